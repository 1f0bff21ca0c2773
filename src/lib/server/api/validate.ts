import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { fieldErrors, parseInput, requestLocale } from '../../schemas/validation';
import { ApiError } from './errors';

/**
 * `zValidator` with the API's one 400 shape: `invalid_request`, a message naming each field and
 * reason, and `details: { field: message }` for forms — in the caller's language (Accept-Language
 * `es…` → Spanish, with zod's Spanish locale for its built-in messages), the same text the form
 * shows when it checks with the same schema first (src/lib/schemas/validation.ts).
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
	target: Target,
	schema: Schema
) {
	return zValidator(target, schema, (result, c) => {
		if (!result.success) {
			const locale = requestLocale(c.req.header('accept-language'));
			// Parsed again with zod's Spanish messages only for a Spanish caller whose input failed.
			const reparsed = locale === 'es' ? parseInput(schema, result.data, locale) : null;
			const details =
				reparsed && !reparsed.success ? reparsed.errors : fieldErrors(result.error.issues, locale);
			const summary = Object.entries(details)
				.map(([field, message]) => `${field}: ${message}`)
				.join('; ');
			throw new ApiError(400, 'invalid_request', `Invalid ${target}: ${summary}`, details);
		}
	});
}
