import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error shape of the API: `{"error":{"code","message"}}`. */
export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

/** An expected failure with a stable machine-readable code (`not_found`, `invalid_request`, …). */
export class ApiError extends HTTPException {
	constructor(
		status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly details?: unknown
	) {
		super(status, { message });
	}
}

const codeForStatus: Record<number, string> = {
	400: 'invalid_request',
	401: 'unauthenticated',
	403: 'forbidden',
	404: 'not_found',
	405: 'method_not_allowed',
	409: 'conflict',
	413: 'payload_too_large',
	415: 'unsupported_media_type',
	429: 'too_many_requests',
	503: 'unavailable'
};

export function errorBody(code: string, message: string, details?: unknown): ApiErrorBody {
	return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** `app.onError`: expected errors keep their status and message; anything else is a safe 500. */
export function handleApiError(err: Error, c: Context): Response {
	if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
	if (err instanceof HTTPException) {
		const status = err.status as ContentfulStatusCode;
		return c.json(errorBody(codeForStatus[status] ?? 'error', err.message || 'Request failed'), status);
	}
	console.error(`[api] ${c.req.method} ${c.req.path}`, err);
	return c.json(errorBody('internal', 'Internal error; it has been logged.'), 500);
}

/** Human-readable summary of a zod error: `field: reason; field: reason`. */
export function describeZodError(error: {
	issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
	return error.issues
		.map((issue) =>
			issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message
		)
		.join('; ');
}
