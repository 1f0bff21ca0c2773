import { Hono } from 'hono';
import { AuditQuery } from '../../schemas/users';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/** `GET /api/audit?action=auth.*&actor=…&target=…&from=YYYY-MM-DD&to=…&before=<id>&limit=50`, admins only. */
export function auditRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get(
		'/',
		access(['admin'], { note: 'filters: action (`auth.*`), actor, target, from, to, before, limit' }),
		validate('query', AuditQuery),
		(c) => c.json(services.users.auditLog(viewerOf(c), c.req.valid('query')))
	);
}
