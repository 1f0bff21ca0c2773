import type { IncomingHttpHeaders } from 'node:http';

/**
 * Cross-site request forgery protection for every state-changing request, pages and API alike,
 * by the browser's own provenance headers: the algorithm of Go 1.25's
 * `http.CrossOriginProtection` (F. Valsorda, "Cross-Site Request Forgery", 2025) and OWASP's CSRF
 * cheat sheet ("Verifying origin with standard headers").
 *
 * 1. GET, HEAD and OPTIONS change nothing and pass.
 * 2. `Sec-Fetch-Site` (every current browser sends it): only `same-origin` or `none` (typed by
 *    the user) pass — and a same-origin request that also names its Origin must name this one. A
 *    browser calls a request same-origin by the name it used; if that name is not one of ours
 *    (an address the operator did not configure, a DNS-rebinding name), `url` is not it either.
 * 3. Without it, `Origin` must be this origin when present.
 * 4. With neither header the request did not come from a browser (curl, a script): no browser
 *    carries a victim's cookies without them, so there is nothing to forge.
 *
 * "This origin" is `url.origin`, which is always one of the origins the operator accepts
 * (`requestOrigin` below, applied by scripts/start.ts before the app sees the request).
 *
 * SameSite=Lax on the session cookie is a second, independent line of defence.
 */
export function crossOriginRefusal(method: string, headers: Headers, url: URL): string | null {
	if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
	const site = headers.get('sec-fetch-site');
	const origin = headers.get('origin');
	if (site !== null) {
		if (site === 'none') return null;
		if (site !== 'same-origin') return `Cross-site ${method} refused (Sec-Fetch-Site: ${site.slice(0, 20)})`;
		if (origin === null || origin === url.origin) return null;
		return `${method} from an origin this server is not configured for refused (Origin: ${origin.slice(0, 100)})`;
	}
	if (origin === null || origin === url.origin) return null;
	return `Cross-origin ${method} refused (Origin: ${origin.slice(0, 100)})`;
}

// --- Trusted origins ----------------------------------------------------------------------------

/**
 * The origin a request is answered as, always one of `accepted` (config.ts: ORIGIN, then
 * RESILIENCIA_TRUSTED_ORIGINS; without ORIGIN, the loopback names of the port):
 *
 * 1. the accepted origin whose host is the request's `Host` (the name the browser used, which is
 *    also the name its cookies belong to);
 * 2. else, when `Host` is none of them (a proxy that rewrites it), the request's `Origin` if it is
 *    accepted: a browser on one of our names sends the true one, and anything else gets no say;
 * 3. else the first accepted origin, as adapter-node's fixed ORIGIN always did.
 *
 * So the app's `url` is never a name the operator did not list, and the checks that compare a
 * request's Origin with `url.origin` — SvelteKit's own form check and `crossOriginRefusal` above —
 * accept every configured origin and nothing else, while the session cookie follows the scheme the
 * request really came by (cookie.ts).
 */
export function requestOrigin(
	request: { host?: string | undefined; origin?: string | undefined },
	accepted: readonly string[]
): string {
	const [primary] = accepted;
	if (!primary) throw new Error('No accepted origin');
	if (request.host) {
		const byHost = accepted.find((candidate) => sameHost(candidate, request.host!));
		if (byHost) return byHost;
	}
	if (request.origin && accepted.includes(request.origin)) return request.origin;
	return primary;
}

/** The header scripts/start.ts passes adapter-node the chosen scheme in (its PROTOCOL_HEADER). */
export const FORWARDED_PROTOCOL_HEADER = 'x-resiliencia-protocol';

/**
 * Rewrites a raw request's `Host` (and the scheme header above) to its `requestOrigin`, before
 * adapter-node builds `url` from them. Whatever the client sent in those headers is replaced.
 */
export function pinRequestOrigin(headers: IncomingHttpHeaders, accepted: readonly string[]): string {
	const host = typeof headers.host === 'string' ? headers.host : undefined;
	const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
	const chosen = new URL(requestOrigin({ host, origin }, accepted));
	headers.host = chosen.host;
	headers[FORWARDED_PROTOCOL_HEADER] = chosen.protocol.slice(0, -1);
	return chosen.origin;
}

function sameHost(origin: string, host: string): boolean {
	const url = new URL(origin);
	try {
		// Parsed with the candidate's scheme, so `a.example:443` is `a.example` for https.
		return new URL(`${url.protocol}//${host}`).host === url.host;
	} catch {
		return false;
	}
}
