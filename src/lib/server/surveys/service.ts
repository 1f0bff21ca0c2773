import { csvLine } from '$lib/domain/csv';
import { QUESTIONNAIRE } from '$lib/domain/questionnaire';
import type { SurveyEstimatesQuery } from '../../schemas/surveys';
import { audit } from '../auth/audit';
import { ServiceError } from '../errors';
import { scopeOf } from '../scope';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { municipalityEstimates, municipalitySeries, surveyWaves } from './estimates';

/**
 * The leaders' panel: estimates only, never an answer. The public's estimates are a slice of the
 * public release (src/lib/server/release/surveys.ts): an estimate from fewer than 10 answers is
 * withheld (value null, `withheld: "n<10"`), so few leaders could be recognised by their answers;
 * a paired change needs 10 pairs; shrinkage borrows from published panels only. Restricted roles
 * see every estimate, marked `reliable: false` below 10 answers, providers only inside their
 * jurisdiction. Every answer carries `demo` when it comes from the demonstration panel.
 */

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

export function createSurveyService({ db, release }: ServiceDeps) {
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
			// The public sees every municipality from the release, small estimates withheld; a
			// signed-in role its scope, exact and marked unreliable below 10 answers.
			if (scope.isPublic) return release.surveyEstimates(query);
			const provider = query.measure === 'index' ? 'index' : query.provider;
			const measure = query.measure === 'index' ? 'mean' : query.measure;
			const values = scope.keep(
				municipalityEstimates(db, provider, query.month, measure, {
					inScope: scope.unrestricted ? null : (code) => scope.includesMunicipality(code)
				}),
				(e) => e.code
			);
			return { provider, month: query.month, measure, demo: values.some((v) => v.demo), values };
		},

		/** A municipality's series per target over every wave (`GET /api/municipalities/:code/surveys`). */
		municipalitySeries(viewer: Viewer, code: string) {
			const scope = scopeOf(viewer);
			if (scope.isPublic) return release.surveySeries(code);
			scope.assertMunicipality(code);
			return { code, demo: surveyWaves(db).demo, series: municipalitySeries(db, code) };
		}
	};
}

export type SurveyService = ReturnType<typeof createSurveyService>;
