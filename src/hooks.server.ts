import type { Handle, HandleServerError } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';

/**
 * Security headers for every response. Pages get their Content-Security-Policy from SvelteKit
 * (svelte.config.js, with nonces for its own inline script); API responses are data, so they get
 * a policy that allows nothing.
 */
export const handle: Handle = async ({ event, resolve }) => {
	event.locals.requestId = randomUUID();
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	headers.set('X-Frame-Options', 'DENY');
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Permissions-Policy', 'geolocation=(), camera=(), microphone=()');
	if (event.url.protocol === 'https:') headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	if (event.url.pathname.startsWith('/api/') && !headers.has('Content-Security-Policy')) {
		headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
	}
	return response;
};

/** Unexpected errors are logged with the request id; the user sees only a safe message. */
export const handleError: HandleServerError = ({ error, event, status }) => {
	if (status !== 404) console.error(`[${event.locals.requestId ?? '-'}] ${event.request.method} ${event.url.pathname}`, error);
	return {
		message: status === 404 ? 'Página no encontrada / Page not found' : 'Error inesperado / Unexpected error',
		requestId: event.locals.requestId
	};
};
