import { Hono } from 'hono';
import {
	EmergingHotSpotsParams,
	PatrolParams,
	PriorityInputsQuery,
	ScenarioId,
	ScenarioInput,
	SpatialParams
} from '../../schemas/analysis';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * Setting priorities, mounted at /api/analysis: the planners' priority index inputs and saved
 * scenarios, the local spatial statistics and their emerging hot spots, and the patrol cells. Each handler calls one function
 * of the analysis service (src/lib/server/analysis/service.ts), which scopes to the jurisdiction
 * and audits. Nothing here is public.
 */

const PLANNERS = ['admin', 'planner'] as const;
const ANALYSTS = ['admin', 'planner', 'provider'] as const;

export function analysisRoutes({ services }: RouteDeps) {
	const analysis = services.analysis;
	return new Hono<AppEnv>()
		.get('/local-moran', access(ANALYSTS, { jurisdiction: true }), validate('query', SpatialParams), (c) =>
			c.json(analysis.spatial(viewerOf(c), 'local-moran', c.req.valid('query')))
		)
		.get('/getis-ord', access(ANALYSTS, { jurisdiction: true }), validate('query', SpatialParams), (c) =>
			c.json(analysis.spatial(viewerOf(c), 'getis-ord', c.req.valid('query')))
		)
		.get(
			'/emerging-hot-spots',
			access(ANALYSTS, { jurisdiction: true }),
			validate('query', EmergingHotSpotsParams),
			(c) => c.json(analysis.emergingHotSpots(viewerOf(c), c.req.valid('query')))
		)
		.get('/priority-inputs', access(PLANNERS), validate('query', PriorityInputsQuery), (c) =>
			c.json(analysis.priorityInputs(viewerOf(c), c.req.valid('query')))
		)
		.get('/scenarios', access(PLANNERS), (c) => c.json(analysis.scenarios(viewerOf(c))))
		.post('/scenarios', access(PLANNERS), validate('json', ScenarioInput), (c) =>
			c.json(analysis.saveScenario(viewerOf(c), c.req.valid('json')), 201)
		)
		.delete('/scenarios/:id', access(PLANNERS), validate('param', ScenarioId), (c) =>
			c.json(analysis.deleteScenario(viewerOf(c), c.req.valid('param').id))
		)
		.get('/patrol-options', access(ANALYSTS, { jurisdiction: true }), (c) =>
			c.json(analysis.patrolOptions(viewerOf(c)))
		)
		.get('/patrol', access(ANALYSTS, { jurisdiction: true }), validate('query', PatrolParams), (c) =>
			c.json(analysis.patrol(viewerOf(c), c.req.valid('query')))
		)
		.get(
			'/patrol.geojson',
			access(ANALYSTS, { jurisdiction: true, note: 'export, audited' }),
			validate('query', PatrolParams),
			(c) => {
				const { filename, geojson } = analysis.patrolGeoJson(viewerOf(c), c.req.valid('query'));
				c.header('Content-Type', 'application/geo+json; charset=utf-8');
				c.header('Content-Disposition', `attachment; filename="${filename}"`);
				return c.body(JSON.stringify(geojson));
			}
		);
}
