import { PROVIDER_IDS, QUESTIONNAIRE } from '$lib/domain/questionnaire';
import {
	mean,
	meanInterval,
	MIN_RELIABLE_ANSWERS,
	pairedTTest,
	shrinkTowards,
	wilsonInterval,
	type Interval
} from '$lib/domain/survey-estimates';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';

/**
 * Estimates of the leaders' panel per municipality and wave, computed on request from the answers
 * (a wave of a dozen municipalities is a few thousand rows). No function here returns an answer.
 */

export type SurveyTarget = string; // a provider id, 'rural-safety' or 'index'
export type SurveyMeasure = 'mean' | 'share';

export type Estimate = {
	code: string;
	/** Respondents who answered (not "don't know"), and the panel's size in the municipality. */
	n: number;
	panel: number;
	/** Panel members who sent nothing this wave (non-response), and those gone for good (attrition: no
	 * answer in this wave or the two before it, after answering earlier). */
	nonResponse: number | null;
	attrition: number | null;
	reliable: boolean;
	interval: Interval | null;
	/** The mean shrunk towards the department's (mean measure only). */
	shrunk: number | null;
	/** Paired change from the previous wave, on the respondents who answered both. */
	change: { n: number; meanDifference: number; p: number; significant: boolean } | null;
	demo: boolean;
};

function previousWave(wave: string): string {
	const [y, m] = wave.split('-').map(Number) as [number, number];
	return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Each respondent's value for the target in one wave (the index: their mean over providers). */
function valuesOf(
	db: DB,
	wave: string,
	target: SurveyTarget,
	only: string | null = null
): Map<number, { code: string; value: number }> {
	const questions =
		target === 'index'
			? PROVIDER_IDS.map((p) => `trust:${p}`)
			: [target === 'rural-safety' ? target : `trust:${target}`];
	const rows = statement(
		db,
		`SELECT a.respondent_id AS id, r.municipality_code AS code, a.value FROM survey_answers a
		 JOIN survey_respondents r ON r.id = a.respondent_id
		 WHERE a.wave = ? AND a.question IN (SELECT value FROM json_each(?)) AND a.value IS NOT NULL
		   AND (? IS NULL OR r.municipality_code = ?)`
	).all(wave, JSON.stringify(questions), only, only) as { id: number; code: string; value: number }[];
	const sums = new Map<number, { code: string; sum: number; k: number }>();
	for (const row of rows) {
		const entry = sums.get(row.id) ?? { code: row.code, sum: 0, k: 0 };
		entry.sum += row.value;
		entry.k += 1;
		sums.set(row.id, entry);
	}
	return new Map([...sums].map(([id, e]) => [id, { code: e.code, value: e.sum / e.k }]));
}

export function surveyWaves(db: DB): { from: string | null; to: string | null; demo: boolean } {
	const row = statement(db, 'SELECT min(wave) AS "from", max(wave) AS "to" FROM survey_answers').get() as {
		from: string | null;
		to: string | null;
	};
	const demo = statement(db, 'SELECT 1 FROM survey_respondents WHERE demo = 1 LIMIT 1').get() !== undefined;
	return { ...row, demo };
}

type Participation = { responded: number; gone: number };

/**
 * Per municipality: respondents who answered in `wave`, and those gone (answered before the two
 * waves preceding it, and not since).
 */
function participationOf(db: DB, wave: string, only: string | null): Map<string, Participation> {
	const since = previousWave(previousWave(wave));
	const rows = statement(
		db,
		`SELECT code, sum(responded) AS responded, sum(earlier AND NOT recent) AS gone
		 FROM (SELECT r.municipality_code AS code, max(a.wave = ?) AS responded, max(a.wave < ?) AS earlier,
				max(a.wave BETWEEN ? AND ?) AS recent
			 FROM survey_respondents r JOIN survey_answers a ON a.respondent_id = r.id
			 WHERE a.wave <= ? AND (? IS NULL OR r.municipality_code = ?)
			 GROUP BY r.id)
		 GROUP BY code`
	).all(wave, since, since, wave, wave, only, only) as ({ code: string } & Participation)[];
	return new Map(rows.map(({ code, ...p }) => [code, p]));
}

export function municipalityEstimates(
	db: DB,
	target: SurveyTarget,
	wave: string,
	measure: SurveyMeasure,
	{
		only = null,
		participation: withParticipation = true,
		inScope = null
	}: {
		only?: string | null;
		participation?: boolean;
		/**
		 * The caller's scope (providers): the department mean a municipality is shrunk towards is
		 * then taken over the municipalities inside it only, so no estimate encodes outside answers.
		 */
		inScope?: ((code: string) => boolean) | null;
	} = {}
): Estimate[] {
	const current = valuesOf(db, wave, target, only);
	const before = valuesOf(db, previousWave(wave), target, only);
	const panels = statement(
		db,
		`SELECT municipality_code AS code, count(*) AS n, max(demo) AS demo FROM survey_respondents
		 WHERE ? IS NULL OR municipality_code = ? GROUP BY municipality_code`
	).all(only, only) as { code: string; n: number; demo: number }[];
	const byCode = new Map<string, { ids: number[]; values: number[] }>();
	for (const [id, { code, value }] of current) {
		const entry = byCode.get(code) ?? { ids: [], values: [] };
		entry.ids.push(id);
		entry.values.push(value);
		byCode.set(code, entry);
	}
	const departmentValues = new Map<string, number[]>();
	for (const [code, e] of byCode)
		if (!inScope || inScope(code))
			departmentValues.set(code.slice(0, 2), [
				...(departmentValues.get(code.slice(0, 2)) ?? []),
				...e.values
			]);
	const trusting = (v: number) => v >= Math.min(...QUESTIONNAIRE.scale.trusting);
	// Non-response and attrition: one scan of the panel's history, skipped when the caller drops them.
	const participation = withParticipation
		? participationOf(db, wave, only)
		: new Map<string, Participation>();
	return panels.map(({ code, n: panel, demo }) => {
		const e = byCode.get(code) ?? { ids: [], values: [] };
		const n = e.values.length;
		const interval =
			measure === 'share' ? wilsonInterval(e.values.filter(trusting).length, n) : meanInterval(e.values);
		const department = departmentValues.get(code.slice(0, 2)) ?? [];
		const pairs = e.ids
			.filter((id) => before.has(id))
			.map((id) => [before.get(id)!.value, current.get(id)!.value] as const);
		const test = measure === 'mean' ? pairedTTest(pairs) : null;
		const p = participation.get(code);
		return {
			code,
			n,
			panel,
			nonResponse: withParticipation ? panel - (p?.responded ?? 0) : null,
			attrition: withParticipation ? (p?.gone ?? 0) : null,
			reliable: n >= MIN_RELIABLE_ANSWERS,
			interval,
			shrunk:
				measure === 'mean' && interval && department.length > 0
					? shrinkTowards(interval.estimate, n, mean(department))
					: null,
			change: test
				? { n: test.n, meanDifference: test.meanDifference, p: test.p, significant: test.significant }
				: null,
			demo: demo === 1
		};
	});
}

/** A municipality's series per target (each provider, the index, rural safety) over every wave. */
export function municipalitySeries(db: DB, code: string) {
	const waves = statement(db, 'SELECT DISTINCT wave FROM survey_answers ORDER BY wave')
		.pluck()
		.all() as string[];
	const targets = ['index', ...PROVIDER_IDS, 'rural-safety'];
	return targets.map((target) => ({
		target,
		points: waves.map((wave) => {
			const estimate = municipalityEstimates(db, target, wave, 'mean', {
				only: code,
				participation: false
			}).find((e) => e.code === code);
			return {
				wave,
				n: estimate?.n ?? 0,
				reliable: estimate?.reliable ?? false,
				interval: estimate?.interval ?? null,
				change: estimate?.change ?? null
			};
		})
	}));
}
