import { Hono } from 'hono';
import { AuditQuery } from '../../schemas/users';
import { queryAudit } from '../auth/audit';
import { access } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/** `GET /api/audit?action=auth.*&actor=…&target=…&from=YYYY-MM-DD&to=…&before=<id>&limit=50`, admins only. */
export function auditRoutes({ db }: ApiDeps) {
	return new Hono<AppEnv>().get(
		'/',
		access(['admin'], { note: 'filters: action (`auth.*`), actor, target, from, to, before, limit' }),
		validate('query', AuditQuery),
		(c) => c.json(queryAudit(db, c.req.valid('query')))
	);
}
