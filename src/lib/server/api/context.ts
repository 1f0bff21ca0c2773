import { Hono } from 'hono';
import { ArmedGroupsQuery } from '../../schemas/context';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/** Context layers (src/lib/server/context-layers): facts about places that are not counts. */
export function contextRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get(
		'/armed-groups',
		access(['admin', 'planner', 'provider'], {
			jurisdiction: true,
			note: 'CEDE armed-group presence to 2013, a context layer; not public'
		}),
		validate('query', ArmedGroupsQuery),
		(c) => c.json(services.context.armedGroups(viewerOf(c), c.req.valid('query')))
	);
}
