/**
 * Expected refusals of the service layer, with a stable machine-readable code. Services throw
 * them; the API maps each code to an HTTP status in one table (api/errors.ts), pages to
 * `error(status, message)`, and the command line prints the message. Anything else is a bug.
 */
export const SERVICE_ERROR_CODES = [
	'invalid_request',
	'not_found',
	'no_data',
	'conflict',
	'forbidden',
	'outside_jurisdiction',
	'disclosure',
	'mixed_units',
	'no_rate',
	'unknown_mapping',
	'import_rejected',
	/** An import's content past a limit (inflated size, rows, gzip ratio): import/source-file.ts. */
	'too_large',
	/** A request body past its route's limit, found while it streams (api/access.ts). */
	'payload_too_large',
	'upload_failed',
	'empty_file',
	'busy',
	'email_taken',
	'last_admin',
	'unknown_codes',
	'jurisdiction_required',
	'weak_password',
	'mfa_required',
	/** A community report's description looks like it names or reaches a person (unconfirmed). */
	'personal_data'
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

export class ServiceError extends Error {
	constructor(
		readonly code: ServiceErrorCode,
		message: string,
		/** For forms: `{ field: message }`; for imports: the problems found. */
		readonly details?: unknown
	) {
		super(message);
		this.name = 'ServiceError';
	}
}

export function notFound(message: string): ServiceError {
	return new ServiceError('not_found', message);
}
