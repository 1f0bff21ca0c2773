import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError, describeZodError } from './errors';

/**
 * `zValidator` with the API's error shape: a request that fails its schema gets a 400
 * `invalid_request` naming each field and reason.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
	target: Target,
	schema: Schema
) {
	return zValidator(target, schema, (result) => {
		if (!result.success) {
			throw new ApiError(400, 'invalid_request', `Invalid ${target}: ${describeZodError(result.error)}`);
		}
	});
}
