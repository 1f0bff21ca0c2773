import { csvLine } from '$lib/domain/csv';
import { QUESTIONNAIRE } from '$lib/domain/questionnaire';
import { MIN_RELIABLE_ANSWERS } from '$lib/domain/survey-estimates';
import type { SurveyEstimatesQuery } from '../../schemas/surveys';
import { audit } from '../auth/audit';
import { ServiceError } from '../errors';
import { scopeOf } from '../scope';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { municipalityEstimates, municipalitySeries, surveyWaves } from './estimates';

/**
 * The leaders' panel: estimates only, never an answer. For the public an estimate from fewer than
 * MIN_RELIABLE_ANSWERS (10) answers is withheld (value null, `withheld: "n<10"`): so few leaders
 * could be recognised by their answers. Restricted roles see it marked `reliable: false`, providers
 * only inside their jurisdiction. Every answer carries `demo` when it comes from the
 * demonstration panel.
 */

const WITHHELD = `n<${MIN_RELIABLE_ANSWERS}` as const;

const EXPORT_HEADER = [
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

export function createSurveyService({ db }: ServiceDeps) {
	return {
		questionnaire(): typeof QUESTIONNAIRE {
			return QUESTIONNAIRE;
		},

		waves() {
			return surveyWaves(db);
		},

		/**
		 * Every answer as CSV, for admins only and audited: the one place answers leave the
		 * database, under pseudonymous codes, never names. Read and audited in one transaction, so
		 * no export goes unrecorded.
		 */
		exportCsv(viewer: Viewer): string {
			if (viewer.user?.role !== 'admin')
				throw new ServiceError('forbidden', 'Only admins export the answers of the panel');
			const rows = db.transaction(() => {
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
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'surveys.export',
					target: 'survey_answers',
					details: { rows: rows.length }
				});
				return rows;
			})();
			return csvLine(EXPORT_HEADER) + rows.map((r) => csvLine(r)).join('');
		},

		/** One estimate per municipality for a wave (`GET /api/surveys/municipalities`). */
		municipalityEstimates(viewer: Viewer, query: SurveyEstimatesQuery) {
			const scope = scopeOf(viewer);
			const provider = query.measure === 'index' ? 'index' : query.provider;
			const measure = query.measure === 'index' ? 'mean' : query.measure;
			const estimates = municipalityEstimates(db, provider, query.month, measure);
			// The public sees every municipality, its small estimates withheld; a signed-in role its scope.
			const values = (scope.isPublic ? estimates : scope.keep(estimates, (e) => e.code)).map((e) =>
				scope.isPublic && !e.reliable
					? {
							code: e.code,
							n: null,
							panel: e.panel,
							demo: e.demo,
							interval: null,
							shrunk: null,
							change: null,
							withheld: WITHHELD
						}
					: e
			);
			return { provider, month: query.month, measure, demo: values.some((v) => v.demo), values };
		},

		/** A municipality's series per target over every wave (`GET /api/municipalities/:code/surveys`). */
		municipalitySeries(viewer: Viewer, code: string) {
			const scope = scopeOf(viewer);
			scope.assertMunicipality(code);
			const series = municipalitySeries(db, code).map((s) => ({
				...s,
				points: s.points.map((p) =>
					scope.isPublic && !p.reliable
						? { wave: p.wave, n: null, reliable: false, interval: null, change: null, withheld: WITHHELD }
						: p
				)
			}));
			return { code, demo: surveyWaves(db).demo, series };
		}
	};
}

export type SurveyService = ReturnType<typeof createSurveyService>;
