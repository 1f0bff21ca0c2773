import { Hono } from 'hono';
import { z } from 'zod';
import { MunicipalityCode } from '../../schemas/municipality';
import { SummaryQuery, TimeseriesQuery } from '../../schemas/reports';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

const CodeParam = z.object({ code: MunicipalityCode });

/**
 * Everything about one municipality, whichever feature it comes from: its facts, its reported
 * issues (series and summary), its leaders' panel and its public prevention page. Each handler
 * calls one service with the viewer; the service scopes and discloses.
 */
export function municipalityRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>()
		.get('/', access('public'), (c) => {
			c.header('Cache-Control', 'public, max-age=300');
			return c.json({ municipalities: services.geography.municipalities() });
		})
		.get('/:code', access('public'), validate('param', CodeParam), (c) => {
			c.header('Cache-Control', 'public, max-age=300');
			return c.json({ municipality: services.geography.municipality(c.req.valid('param').code) });
		})
		.get(
			'/:code/timeseries',
			access('public', { jurisdiction: true }),
			validate('param', CodeParam),
			validate('query', TimeseriesQuery),
			(c) => c.json(services.reports.timeseries(viewerOf(c), c.req.valid('param').code, c.req.valid('query')))
		)
		.get(
			'/:code/summary',
			access('public', { jurisdiction: true }),
			validate('param', CodeParam),
			validate('query', SummaryQuery),
			(c) => c.json(services.reports.summary(viewerOf(c), c.req.valid('param').code, c.req.valid('query')))
		)
		.get('/:code/surveys', access('public', { jurisdiction: true }), validate('param', CodeParam), (c) =>
			c.json(services.surveys.municipalitySeries(viewerOf(c), c.req.valid('param').code))
		)
		.get('/:code/prevention', access('public'), validate('param', CodeParam), (c) => {
			c.header('Cache-Control', 'public, max-age=300');
			return c.json(services.dialogues.prevention(viewerOf(c), c.req.valid('param').code));
		});
}
