import { Hono } from 'hono';
import { z } from 'zod';
import { PROVIDER_IDS, QUESTIONNAIRE } from '$lib/domain/questionnaire';
import { MIN_RELIABLE_ANSWERS } from '$lib/domain/survey-estimates';
import { MunicipalityCode } from '../../schemas/municipality';
import { canSeeMunicipality } from '../auth/jurisdiction';
import { municipalityEstimates, municipalitySeries, surveyWaves } from '../surveys/estimates';
import { access, assertCanSeeMunicipality } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * The leaders' panel: estimates only, never an answer. For the public an estimate from fewer than
 * 10 answers is withheld (value null, `withheld: "n<10"`); restricted roles see it marked
 * `reliable: false`. Every answer carries `demo` when it comes from the demonstration panel.
 */

const Target = z.enum(['index', 'rural-safety', ...PROVIDER_IDS] as [string, ...string[]]);
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');

export function surveyRoutes({ db }: ApiDeps) {
	return new Hono<AppEnv>()
		.get('/surveys/questionnaire', access('public'), (c) => c.json({ questionnaire: QUESTIONNAIRE }))
		.get('/surveys/waves', access('public'), (c) => c.json(surveyWaves(db)))
		.get(
			'/surveys/municipalities',
			access('public', { jurisdiction: true }),
			validate(
				'query',
				z.object({
					provider: Target.default('index'),
					month: Month,
					measure: z.enum(['mean', 'share']).default('mean')
				})
			),
			(c) => {
				const { provider, month, measure } = c.req.valid('query');
				const user = c.get('user');
				const values = municipalityEstimates(db, provider, month, measure)
					.filter((e) => (user?.role === 'provider' ? canSeeMunicipality(user, e.code) : true))
					.map((e) =>
						user === null && !e.reliable
							? {
									code: e.code,
									n: null,
									panel: e.panel,
									demo: e.demo,
									interval: null,
									shrunk: null,
									change: null,
									withheld: `n<${MIN_RELIABLE_ANSWERS}`
								}
							: e
					);
				return c.json({ provider, month, measure, demo: values.some((v) => v.demo), values });
			}
		)
		.get(
			'/municipalities/:code/surveys',
			access('public', { jurisdiction: true }),
			validate('param', z.object({ code: MunicipalityCode })),
			(c) => {
				const { code } = c.req.valid('param');
				const user = c.get('user');
				if (user) assertCanSeeMunicipality(user, code);
				const series = municipalitySeries(db, code).map((s) => ({
					...s,
					points: s.points.map((p) =>
						user === null && !p.reliable
							? {
									wave: p.wave,
									n: null,
									reliable: false,
									interval: null,
									change: null,
									withheld: `n<${MIN_RELIABLE_ANSWERS}`
								}
							: p
					)
				}));
				return c.json({ code, demo: surveyWaves(db).demo, series });
			}
		);
}
