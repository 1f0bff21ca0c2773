import { Hono } from 'hono';
import { AlertsQuery } from '../../schemas/alerts';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * Early-warning alerts, mounted at /api/alerts: each handler calls one function of the alerts
 * service (src/lib/server/alerts/service.ts), which scopes to the jurisdiction and audits. Exact
 * restricted figures: never public.
 */

const ANALYSTS = ['admin', 'planner', 'provider'] as const;

export function alertRoutes({ services }: RouteDeps) {
	const alerts = services.alerts;
	return new Hono<AppEnv>().get(
		'/',
		access(ANALYSTS, { jurisdiction: true }),
		validate('query', AlertsQuery),
		(c) => c.json(alerts.list(viewerOf(c), c.req.valid('query')))
	);
}
