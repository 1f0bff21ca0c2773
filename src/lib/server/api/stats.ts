import { Hono } from 'hono';
import { HexagonQuery, StatsParams } from '../../schemas/reports';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * The taxonomy of reported issues and their figures. The reports service (reports/service.ts)
 * resolves periods, applies disclosure control for the public and keeps a provider to its
 * jurisdiction; these handlers only validate and answer. One municipality's series and summary
 * are under /municipalities/:code (municipalities.ts).
 */

export function categoryRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get('/', access('public'), (c) => {
		c.header('Cache-Control', 'public, max-age=300');
		return c.json(services.reports.categories());
	});
}

export function statsRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>()
		.get('/extent', access('public'), (c) => c.json(services.reports.extent(viewerOf(c))))
		.get('/municipalities', access('public', { jurisdiction: true }), validate('query', StatsParams), (c) =>
			c.json(services.reports.areaFigures(viewerOf(c), 'municipality', c.req.valid('query')))
		)
		.get('/departments', access('public', { jurisdiction: true }), validate('query', StatsParams), (c) =>
			c.json(services.reports.areaFigures(viewerOf(c), 'department', c.req.valid('query')))
		);
}

export function reportRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get(
		'/hexagons',
		access('restricted', { jurisdiction: true, note: 'point reports per H3 cell' }),
		validate('query', HexagonQuery),
		(c) => {
			const answer = services.reports.hexagons(viewerOf(c), c.req.valid('query'));
			c.header('Cache-Control', 'private, no-store');
			return c.json(answer);
		}
	);
}
