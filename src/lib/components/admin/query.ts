/**
 * The query string of `url` with some parameters set or removed (null), without the leading `?`.
 * Used to keep `lang` and filters across links on the login and admin pages.
 */
export function queryWith(url: URL, changes: Record<string, string | null>): string {
	const params = new URLSearchParams(url.search);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null) params.delete(key);
		else params.set(key, value);
	}
	return params.toString();
}
