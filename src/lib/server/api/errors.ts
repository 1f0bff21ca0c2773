import { localiseMessage, requestLocale } from '../../schemas/validation';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ServiceError, type ServiceErrorCode } from '../errors';

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

/** THE mapping of the service layer's refusals (src/lib/server/errors.ts) to HTTP statuses. */
export const SERVICE_STATUS = {
	invalid_request: 400,
	not_found: 404,
	no_data: 404,
	conflict: 409,
	forbidden: 403,
	outside_jurisdiction: 403,
	disclosure: 403,
	mixed_units: 400,
	no_rate: 400,
	unknown_mapping: 400,
	import_rejected: 422,
	too_large: 413,
	payload_too_large: 413,
	upload_failed: 400,
	empty_file: 400,
	busy: 503,
	email_taken: 409,
	last_admin: 409,
	unknown_codes: 400,
	jurisdiction_required: 400,
	weak_password: 400,
	mfa_required: 403,
	personal_data: 422
} as const satisfies Record<ServiceErrorCode, ContentfulStatusCode>;

/** A service refusal as the API answers it. */
export function apiErrorOf(error: ServiceError): ApiError {
	return new ApiError(SERVICE_STATUS[error.code], error.code, error.message, error.details);
}

/**
 * A service refusal whose field details are given in the caller's language, as `validate()` gives
 * the schema's (a service's own checks, e.g. a password containing the e-mail, know more than the
 * schema and speak English).
 */
function localised(error: ServiceError, acceptLanguage: string | undefined): ServiceError {
	if (typeof error.details !== 'object' || error.details === null || Array.isArray(error.details))
		return error;
	const locale = requestLocale(acceptLanguage);
	const details = Object.fromEntries(
		Object.entries(error.details as Record<string, unknown>).map(([field, reason]) => [
			field,
			typeof reason === 'string' ? localiseMessage(reason, locale) : reason
		])
	);
	return new ServiceError(error.code, error.message, details);
}

/** `app.onError`: expected errors keep their status and message; anything else is a safe 500. */
export function handleApiError(err: Error, c: Context): Response {
	if (err instanceof ServiceError) err = apiErrorOf(localised(err, c.req.header('Accept-Language')));
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
