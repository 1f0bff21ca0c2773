/**
 * Pages that moved when every user-facing path became Spanish. Old bookmarks, links in printed
 * material and e-mails keep working: a request for an old path is answered with a permanent
 * redirect to the new one, its query string kept. 308 (not 301) so that a form posted to an old
 * path is posted again, not turned into a GET.
 */
const MOVED: Readonly<Record<string, string>> = {
	'/login': '/ingresar',
	'/logout': '/salir',
	'/imports': '/importaciones'
};

/** The new location of a moved page (path and query), or null. */
export function movedLocation(url: URL): string | null {
	const target = MOVED[url.pathname.replace(/\/+$/, '') || '/'];
	return target ? `${target}${url.search}` : null;
}
