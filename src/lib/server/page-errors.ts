import { error } from '@sveltejs/kit';
import { SERVICE_STATUS } from './api/errors';
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

/** For an optional part of a page: a refusal leaves it out (null) instead of failing the page. */
export function optionalCall<T>(fn: () => T): T | null {
	try {
		return fn();
	} catch (e) {
		if (e instanceof ServiceError) return null;
		throw e;
	}
}
