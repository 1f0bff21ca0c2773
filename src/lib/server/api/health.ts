import { Hono } from 'hono';
import { access } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';

export function healthRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get('/', access('public'), (c) => {
		c.header('Cache-Control', 'no-store');
		return c.json(services.geography.health());
	});
}
