import { error } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import { SERVICE_STATUS } from './api/errors';
import { auditRefusal } from './auth/audit';
import { serverContext } from './context';
import { ServiceError, type ServiceErrorCode } from './errors';

/**
 * Page wording for refusals: per code (`{ not_found: 'Municipio no encontrado' }`), or one message
 * for every refusal; codes left out keep the service's message.
 */
export type PageMessages = Partial<Record<ServiceErrorCode, string>> | string;

/**
 * Calls a service from a page load or action. A refusal (`ServiceError`) becomes SvelteKit's
 * `error(status, message)` with the status the API gives the same refusal (`SERVICE_STATUS`), so a
 * page and its API refuse alike; anything else is a bug and goes on to `handleError`, which shows
 * the user a safe message. Works for functions that return a promise too.
 */
export function pageCall<T>(fn: () => T, messages: PageMessages = {}): T {
	const refuse = (e: unknown): never => {
		if (e instanceof ServiceError) {
			if (e.code === 'forbidden' || e.code === 'outside_jurisdiction')
				auditPageDenial(e.code, SERVICE_STATUS[e.code]);
			const message = typeof messages === 'string' ? messages : (messages[e.code] ?? e.message);
			error(SERVICE_STATUS[e.code], message);
		}
		throw e;
	};
	try {
		const result = fn();
		return (result instanceof Promise ? result.catch(refuse) : result) as T;
	} catch (e) {
		return refuse(e);
	}
}

/**
 * A page refusing access writes the same summarised `access.denied` entry as the API
 * (api/audit-refusals.ts, auth/audit.ts): the page's route, the caller, its address. Here rather
 * than in hooks.server.ts because a refusal during client-side navigation is answered with 200
 * (the error travels inside the page data), so only the code that refuses knows.
 */
export function auditPageDenial(code: string, status: number): void {
	let event: ReturnType<typeof getRequestEvent>;
	try {
		event = getRequestEvent();
	} catch {
		return; // not during a request (a unit test calling a guard directly)
	}
	const { viewer } = event.locals;
	try {
		auditRefusal(serverContext().db, {
			actor: viewer.actor,
			ip: viewer.ip,
			action: 'access.denied',
			target: `${event.request.method} ${event.route.id ?? event.url.pathname.slice(0, 100)}`,
			details: { status, code }
		});
	} catch (failure) {
		console.error('[audit] could not record a refusal', failure);
	}
}

/** For an optional part of a page: a refusal leaves it out (null) instead of failing the page. */
export function optionalCall<T>(fn: () => T): T | null {
	try {
		return fn();
	} catch (e) {
		if (e instanceof ServiceError) return null;
		throw e;
	}
}
