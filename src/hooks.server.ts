import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { auditRefusal } from '$lib/server/auth/audit';
import { sessionCookie } from '$lib/server/auth/cookie';
import { crossOriginRefusal } from '$lib/server/auth/csrf';
import { authenticate } from '$lib/server/auth/sessions';
import { serverContext } from '$lib/server/context';
import { movedLocation } from '$lib/server/legacy-paths';
import { PUBLIC_VIEWER, viewerFor } from '$lib/server/viewer';
import { parseLocale } from '$lib/i18n';

/**
 * Form posts are small; anything bigger is refused, with or without Content-Length, and never read
 * past this. The API sets its own limit per route (api/access.ts); adapter-node's BODY_SIZE_LIMIT
 * is Infinity (scripts/start.ts) because the import upload comes through SvelteKit too.
 */
const PAGE_BODY_LIMIT = 64 * 1024;

/**
 * Request context for pages, and security headers for every response. Pages get their
 * Content-Security-Policy from SvelteKit (svelte.config.js, with nonces for its own inline
 * script); API responses are data, so they get a policy that allows nothing.
 *
 * The API (`/api/*`) checks CSRF, body size and the session itself (src/lib/server/api/access.ts);
 * here the same checks guard form actions and other page endpoints, and the signed-in user is
 * loaded into `locals.user` for `+layout.server.ts` guards (src/lib/server/auth/guard.ts).
 */
export const handle: Handle = async ({ event, resolve }) => {
	event.locals.requestId = randomUUID();
	event.locals.user = null;
	event.locals.session = null;
	event.locals.viewer = PUBLIC_VIEWER;
	if (!event.url.pathname.startsWith('/api/')) {
		const moved = movedLocation(event.url);
		if (moved)
			return withSecurityHeaders(new Response(null, { status: 308, headers: { Location: moved } }), event);
		const refused = refusePageRequest(event) ?? (await limitPageBody(event));
		if (refused) {
			auditPageRefusal(event, refused.status);
			return withSecurityHeaders(refused, event);
		}
		const cookie = sessionCookie(event.url);
		const token = cookie ? event.cookies.get(cookie.name) : undefined;
		if (token) {
			event.locals.session = authenticate(serverContext().db, token);
			event.locals.user = event.locals.session?.user ?? null;
		}
		event.locals.viewer = viewerFor(event.locals.user, event.getClientAddress());
	}
	// The page's language is in the URL (`?lang=en`); put it on <html> in the server render too,
	// so screen readers and search engines get it before any script runs.
	const lang = parseLocale(event.url.searchParams.get('lang'));
	const response = await resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', lang) });
	// A page rendered for a signed-in user may hold restricted data: never cache it anywhere.
	if (event.locals.user) response.headers.set('Cache-Control', 'private, no-store');
	return withSecurityHeaders(response, event);
};

function refusePageRequest(event: RequestEvent): Response | null {
	const { request, url } = event;
	// `url` is always one of the accepted origins (ORIGIN, RESILIENCIA_TRUSTED_ORIGINS): `npm start`
	// pins each request to the one it came to (csrf.ts `requestOrigin`), so comparing with it
	// accepts every configured origin and nothing else.
	const reason = crossOriginRefusal(request.method, request.headers, url);
	if (reason)
		return new Response(`Forbidden: ${reason}`, { status: 403, headers: { 'Content-Type': 'text/plain' } });
	return null;
}

/**
 * Reads a page request's body before any load or action does, counting as it arrives, and hands
 * the request on with the bytes read; past PAGE_BODY_LIMIT it answers 413 at once. The rest of an
 * oversized body is never read: `Connection: close` ends the connection once the answer is sent
 * (cancelling the stream instead would reset it before the answer reaches the client).
 */
async function limitPageBody(event: RequestEvent): Promise<Response | null> {
	const { request } = event;
	if (!request.body) return null;
	const tooLarge = () =>
		new Response('Payload too large', {
			status: 413,
			headers: { 'Content-Type': 'text/plain', Connection: 'close' }
		});
	if (Number(request.headers.get('content-length') ?? 0) > PAGE_BODY_LIMIT) return tooLarge();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (let next = await reader.read(); !next.done; next = await reader.read()) {
		size += next.value.byteLength;
		if (size > PAGE_BODY_LIMIT) return tooLarge();
		chunks.push(next.value);
	}
	reader.releaseLock();
	event.request = new Request(request, { body: Buffer.concat(chunks) });
	return null;
}

/** A cross-site form (403) or an oversized body (413), audited as the API audits its own. */
function auditPageRefusal(event: RequestEvent, status: number): void {
	try {
		auditRefusal(serverContext().db, {
			actor: null, // refused before the session is read, as in the API
			ip: event.getClientAddress(),
			action: status === 413 ? 'request.too_large' : 'access.denied',
			target: `${event.request.method} ${event.route.id ?? event.url.pathname.slice(0, 100)}`,
			details: { status, code: status === 413 ? 'payload_too_large' : 'csrf' }
		});
	} catch (error) {
		console.error('[audit] could not record a refusal', error);
	}
}

function withSecurityHeaders(response: Response, event: RequestEvent): Response {
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	headers.set('X-Frame-Options', 'DENY');
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Permissions-Policy', 'geolocation=(), camera=(), microphone=()');
	if (event.url.protocol === 'https:')
		headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	if (event.url.pathname.startsWith('/api/') && !headers.has('Content-Security-Policy')) {
		headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
	}
	return response;
}

/** Unexpected errors are logged with the request id; the user sees only a safe message. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404)
		console.error(`[${event.locals.requestId ?? '-'}] ${event.request.method} ${event.url.pathname}`, error);
	return {
		message: status === 404 ? 'Página no encontrada / Page not found' : 'Error inesperado / Unexpected error',
		requestId: event.locals.requestId
	};
};
