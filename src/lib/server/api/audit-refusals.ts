import type Database from 'better-sqlite3';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { auditRefusal } from '../auth/audit';
import { ServiceError } from '../errors';
import { clientIp } from './access';
import type { AppEnv } from './env';
import { ApiError } from './errors';

/**
 * The refusals written as `access.denied`: not signed in, a role or a jurisdiction that may not,
 * a cross-site request. Not a wrong password (the users service writes `auth.login_failed`), nor
 * disclosure control (a figure too small to show is not an access attempt).
 */
const DENIALS = new Set(['unauthenticated', 'forbidden', 'outside_jurisdiction', 'csrf']);

/**
 * Audits every refusal of access (401, 403 → `access.denied`) and of size (413 →
 * `request.too_large`), summarised by auth/audit.ts `auditRefusal`: at most one entry a minute per
 * caller, address and route, with a count (ASVS 7.1.3, 7.2.2). Registered before the CSRF check
 * so that it sees that refusal too (nobody is signed in yet then: the actor is the anonymous
 * public). The route is its pattern (`GET /api/imports/jobs/:id`), so that varying ids do not
 * each open an entry of their own.
 */
export function auditRefusals(db: Database.Database): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		await next();
		const status = c.res.status;
		if (status !== 401 && status !== 403 && status !== 413) return;
		const error = c.error;
		const code = error instanceof ApiError || error instanceof ServiceError ? error.code : String(status);
		if (status !== 413 && !DENIALS.has(code)) return;
		const user = c.get('user') ?? null;
		const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path ?? c.req.path.slice(0, 100);
		try {
			auditRefusal(db, {
				actor: user ? { id: user.id, email: user.email } : null,
				ip: clientIp(c),
				action: status === 413 ? 'request.too_large' : 'access.denied',
				target: `${c.req.method} ${route}`,
				details: { status, code }
			});
		} catch (failure) {
			// The refusal stands either way; a log that cannot be written must not turn it into a 500.
			console.error('[audit] could not record a refusal', failure);
		}
	};
}
