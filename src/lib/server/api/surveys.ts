import { Hono } from 'hono';
import { SurveyEstimatesQuery } from '../../schemas/surveys';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * The leaders' panel, mounted at /api/surveys: estimates only, never an answer, except the audited
 * export for admins (src/lib/server/surveys/service.ts). A municipality's series is under
 * /api/municipalities/:code/surveys (municipalities.ts).
 */
export function surveyRoutes({ services }: RouteDeps) {
	return (
		new Hono<AppEnv>()
			.get('/questionnaire', access('public'), (c) =>
				c.json({ questionnaire: services.surveys.questionnaire() })
			)
			.get('/waves', access('public'), (c) => c.json(services.surveys.waves()))
			// The only route that returns answers: admins only, audited, pseudonymous codes, never names.
			.get('/export', access(['admin'], { note: 'individual answers, CSV' }), (c) => {
				const csv = services.surveys.exportCsv(viewerOf(c));
				c.header('Content-Type', 'text/csv; charset=utf-8');
				c.header('Content-Disposition', 'attachment; filename="survey-answers.csv"');
				c.header('Cache-Control', 'private, no-store');
				return c.body(csv);
			})
			.get(
				'/municipalities',
				access('public', { jurisdiction: true }),
				validate('query', SurveyEstimatesQuery),
				(c) => c.json(services.surveys.municipalityEstimates(viewerOf(c), c.req.valid('query')))
			)
	);
}
