import { Hono } from 'hono';
import { z } from 'zod';
import { PROVIDER_IDS, QUESTIONNAIRE } from '$lib/domain/questionnaire';
import { csvLine } from '$lib/domain/csv';
import { MIN_RELIABLE_ANSWERS } from '$lib/domain/survey-estimates';
import { audit } from '../auth/audit';
import { MunicipalityCode } from '../../schemas/municipality';
import { canSeeMunicipality } from '../auth/jurisdiction';
import { municipalityEstimates, municipalitySeries, surveyWaves } from '../surveys/estimates';
import { access, assertCanSeeMunicipality, clientIp } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';
import { Month } from '../../schemas/query';

/**
 * The leaders' panel: estimates only, never an answer. For the public an estimate from fewer than
 * 10 answers is withheld (value null, `withheld: "n<10"`); restricted roles see it marked
 * `reliable: false`. Every answer carries `demo` when it comes from the demonstration panel.
 */

const Target = z.enum(['index', 'rural-safety', ...PROVIDER_IDS] as [string, ...string[]]);

export function surveyRoutes({ db }: ApiDeps) {
	return (
		new Hono<AppEnv>()
			.get('/surveys/questionnaire', access('public'), (c) => c.json({ questionnaire: QUESTIONNAIRE }))
			.get('/surveys/waves', access('public'), (c) => c.json(surveyWaves(db)))
			// The only route that returns answers: admins only, audited, pseudonymous codes, never names.
			.get('/surveys/export', access(['admin'], { note: 'individual answers, CSV' }), (c) => {
				const rows = db
					.prepare(
						`SELECT r.municipality_code, r.pseudonym, r.sector, r.sex, r.area, a.wave, a.questionnaire_version,
						a.question, coalesce(CAST(a.value AS TEXT), a.category, 'ns'), r.demo
					 FROM survey_answers a JOIN survey_respondents r ON r.id = a.respondent_id
					 ORDER BY r.municipality_code, r.pseudonym, a.wave, a.question`
					)
					.raw()
					.all() as (string | number)[][];
				audit(db, {
					actor: c.get('user'),
					action: 'surveys.export',
					target: 'survey_answers',
					details: { rows: rows.length },
					ip: clientIp(c)
				});
				const header = [
					'municipality',
					'respondent',
					'sector',
					'sex',
					'area',
					'wave',
					'questionnaire_version',
					'question',
					'value',
					'demo'
				];
				const body = csvLine(header) + rows.map((r) => csvLine(r)).join('');
				c.header('Content-Type', 'text/csv; charset=utf-8');
				c.header('Content-Disposition', 'attachment; filename="survey-answers.csv"');
				c.header('Cache-Control', 'private, no-store');
				return c.body(body);
			})
			.get(
				'/surveys/municipalities',
				access('public', { jurisdiction: true }),
				validate(
					'query',
					z.object({
						provider: Target.default('index'),
						month: Month,
						// `measure=index` is the trust index (the mean over providers), whatever `provider` says.
						measure: z.enum(['mean', 'share', 'index']).default('mean')
					})
				),
				(c) => {
					const query = c.req.valid('query');
					const provider = query.measure === 'index' ? 'index' : query.provider;
					const measure = query.measure === 'index' ? 'mean' : query.measure;
					const month = query.month;
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
			)
	);
}
