/**
 * Cross-site request forgery protection for every state-changing request, pages and API alike,
 * by the browser's own provenance headers: the algorithm of Go 1.25's
 * `http.CrossOriginProtection` (F. Valsorda, "Cross-Site Request Forgery", 2025) and OWASP's CSRF
 * cheat sheet ("Verifying origin with standard headers").
 *
 * 1. GET, HEAD and OPTIONS change nothing and pass.
 * 2. `Sec-Fetch-Site` (every current browser sends it): only `same-origin` or `none` (typed by
 *    the user) pass.
 * 3. Without it, `Origin` must be this origin when present.
 * 4. With neither header the request did not come from a browser (curl, a script): no browser
 *    carries a victim's cookies without them, so there is nothing to forge.
 *
 * SameSite=Lax on the session cookie is a second, independent line of defence.
 */
export function crossOriginRefusal(method: string, headers: Headers, url: URL): string | null {
	if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
	const site = headers.get('sec-fetch-site');
	if (site !== null) {
		return site === 'same-origin' || site === 'none'
			? null
			: `Cross-site ${method} refused (Sec-Fetch-Site: ${site.slice(0, 20)})`;
	}
	const origin = headers.get('origin');
	if (origin === null || origin === url.origin) return null;
	return `Cross-origin ${method} refused (Origin: ${origin.slice(0, 100)})`;
}
