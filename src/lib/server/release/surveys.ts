import { PROVIDER_IDS, QUESTIONNAIRE } from '$lib/domain/questionnaire';
import {
	mean,
	meanInterval,
	MIN_RELIABLE_ANSWERS,
	pairedTTest,
	shrinkTowards,
	wilsonInterval
} from '$lib/domain/survey-estimates';
import type { DB } from '../db/connection';
import type { PublicEstimate, PublicSeriesPoint, PublicSurveys } from './types';

/**
 * The leaders' panel as the public may see it, for every wave, target and measure at once (one
 * read of the answers instead of a query per estimate): the same estimates as
 * src/lib/server/surveys/estimates.ts, with the public's rules.
 *
 * - An estimate from fewer than 10 answers is withheld (`n<10`): so few leaders could be
 *   recognised by their answers.
 * - A paired change from the previous wave is shown only from 10 pairs on: a change over fewer
 *   pairs, beside two published means, says too much about the few who answered both.
 * - The shrinkage target is the mean of the department's PUBLISHED panels only: a target that
 *   included a withheld panel's answers would give that panel's mean back (target × total − the
 *   published panels' sums).
 */

export const WITHHELD = `n<${MIN_RELIABLE_ANSWERS}`;

export const SURVEY_TARGETS = ['index', ...PROVIDER_IDS, 'rural-safety'];
export const SURVEY_MEASURES = ['mean', 'share'] as const;

function previousWave(wave: string): string {
	const [y, m] = wave.split('-').map(Number) as [number, number];
	return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function questionsOf(target: string): string[] {
	if (target === 'index') return PROVIDER_IDS.map((p) => `trust:${p}`);
	return [target === 'rural-safety' ? target : `trust:${target}`];
}

export function estimateKey(target: string, measure: string, wave: string): string {
	return `${target}|${measure}|${wave}`;
}

export function publicSurveys(db: DB): PublicSurveys {
	const respondents = db
		.prepare('SELECT id, municipality_code AS code, demo FROM survey_respondents')
		.all() as { id: number; code: string; demo: number }[];
	const codeOf = new Map(respondents.map((r) => [r.id, r.code]));
	const panels = new Map<string, { code: string; panel: number; demo: boolean }>();
	for (const r of respondents) {
		const p = panels.get(r.code) ?? { code: r.code, panel: 0, demo: false };
		p.panel += 1;
		p.demo ||= r.demo === 1;
		panels.set(r.code, p);
	}
	// wave → respondent → question → value (answers without a value count for participation only)
	const byWave = new Map<string, Map<number, Map<string, number | null>>>();
	const wavesOf = new Map<number, string[]>();
	for (const [id, wave, question, value] of db
		.prepare('SELECT respondent_id, wave, question, value FROM survey_answers')
		.raw()
		.iterate() as IterableIterator<[number, string, string, number | null]>) {
		let w = byWave.get(wave);
		if (!w) byWave.set(wave, (w = new Map()));
		let r = w.get(id);
		if (!r) {
			w.set(id, (r = new Map()));
			wavesOf.set(id, [...(wavesOf.get(id) ?? []), wave]);
		}
		r.set(question, value);
	}
	const waves = [...byWave.keys()].sort();
	const trusting = Math.min(...QUESTIONNAIRE.scale.trusting);

	/** Each respondent's value for a target in a wave (the index: their mean over providers). */
	const valuesOf = (wave: string, target: string): Map<number, number> => {
		const out = new Map<number, number>();
		const questions = questionsOf(target);
		for (const [id, answers] of byWave.get(wave) ?? []) {
			let sum = 0;
			let k = 0;
			for (const q of questions) {
				const v = answers.get(q);
				if (v !== undefined && v !== null) {
					sum += v;
					k++;
				}
			}
			if (k > 0) out.set(id, sum / k);
		}
		return out;
	};

	/** Per municipality: respondents who answered in `wave`, and those gone (see estimates.ts). */
	const participationOf = (wave: string) => {
		const since = previousWave(previousWave(wave));
		const out = new Map<string, { responded: number; gone: number }>();
		for (const [id, list] of wavesOf) {
			const upTo = list.filter((w) => w <= wave);
			if (upTo.length === 0) continue;
			const code = codeOf.get(id)!;
			const p = out.get(code) ?? { responded: 0, gone: 0 };
			if (upTo.includes(wave)) p.responded++;
			const earlier = upTo.some((w) => w < since);
			const recent = upTo.some((w) => w >= since && w <= wave);
			if (earlier && !recent) p.gone++;
			out.set(code, p);
		}
		return out;
	};

	const estimates: Record<string, PublicEstimate[]> = {};
	for (const wave of waves) {
		const participation = participationOf(wave);
		for (const target of SURVEY_TARGETS) {
			const current = valuesOf(wave, target);
			const before = valuesOf(previousWave(wave), target);
			const byCode = new Map<string, { ids: number[]; values: number[] }>();
			for (const [id, value] of current) {
				const code = codeOf.get(id)!;
				const e = byCode.get(code) ?? { ids: [], values: [] };
				e.ids.push(id);
				e.values.push(value);
				byCode.set(code, e);
			}
			// The shrinkage target: the answers of the department's published panels only.
			const published = new Map<string, number[]>();
			for (const [code, e] of byCode) {
				if (e.values.length < MIN_RELIABLE_ANSWERS) continue;
				const d = code.slice(0, 2);
				published.set(d, [...(published.get(d) ?? []), ...e.values]);
			}
			for (const measure of SURVEY_MEASURES) {
				estimates[estimateKey(target, measure, wave)] = [...panels.values()].map(({ code, panel, demo }) => {
					const e = byCode.get(code) ?? { ids: [], values: [] };
					const n = e.values.length;
					if (n < MIN_RELIABLE_ANSWERS) {
						return {
							code,
							n: null,
							panel,
							demo,
							interval: null,
							shrunk: null,
							change: null,
							withheld: WITHHELD
						};
					}
					const interval =
						measure === 'share'
							? wilsonInterval(e.values.filter((v) => v >= trusting).length, n)
							: meanInterval(e.values);
					const pairs = e.ids
						.filter((id) => before.has(id))
						.map((id) => [before.get(id)!, current.get(id)!] as const);
					const test = measure === 'mean' && pairs.length >= MIN_RELIABLE_ANSWERS ? pairedTTest(pairs) : null;
					const department = published.get(code.slice(0, 2)) ?? [];
					const p = participation.get(code);
					return {
						code,
						n,
						panel,
						nonResponse: panel - (p?.responded ?? 0),
						attrition: p?.gone ?? 0,
						reliable: true,
						interval,
						shrunk:
							measure === 'mean' && interval && department.length > 0
								? shrinkTowards(interval.estimate, n, mean(department))
								: null,
						change: test
							? { n: test.n, meanDifference: test.meanDifference, p: test.p, significant: test.significant }
							: null,
						demo
					};
				});
			}
		}
	}
	return { waves, demo: [...panels.values()].some((p) => p.demo), panels: [...panels.values()], estimates };
}

/** The public estimates of a month: every panel withheld when the month is no wave. */
export function estimatesOf(
	surveys: PublicSurveys,
	target: string,
	measure: string,
	month: string
): PublicEstimate[] {
	return (
		surveys.estimates[estimateKey(target, measure, month)] ??
		surveys.panels.map(({ code, panel, demo }) => ({
			code,
			n: null,
			panel,
			demo,
			interval: null,
			shrunk: null,
			change: null,
			withheld: WITHHELD
		}))
	);
}

/** A municipality's public series per target over every wave (mean measure). */
export function seriesOf(
	surveys: PublicSurveys,
	code: string
): { target: string; points: PublicSeriesPoint[] }[] {
	return SURVEY_TARGETS.map((target) => ({
		target,
		points: surveys.waves.map((wave): PublicSeriesPoint => {
			const e = surveys.estimates[estimateKey(target, 'mean', wave)]?.find((x) => x.code === code);
			if (!e || e.n === null)
				return { wave, n: null, reliable: false, interval: null, change: null, withheld: WITHHELD };
			return { wave, n: e.n, reliable: true, interval: e.interval, change: e.change };
		})
	}));
}
