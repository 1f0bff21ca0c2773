import type { CategoryId } from '$lib/domain/categories';
import { emergingHotSpots, EHSA_CATEGORIES } from '$lib/domain/emerging-hot-spots';
import { monthLabel } from '$lib/domain/monthly-cube';
import { rowStandardisedWeights } from '$lib/domain/spatial-autocorrelation';
import type { EmergingHotSpotsResult, EmergingHotSpotValue } from '$lib/schemas/analysis';
import { assertSummable } from '../reports/rules';
import type { CoverageOf, StatsService } from '../stats/stats';

/**
 * Emerging Hot Spot Analysis (src/lib/domain/emerging-hot-spots.ts) on municipal rates per
 * calendar quarter or year, with the queen-contiguity weights of the hot-spot map (spatial.ts).
 *
 * Every step's rates come from `stats.municipalities` over that step's months, with `views[t]`
 * (Scope.countView for the step) replacing the exact counts, exactly as the Gi* of spatial.ts
 * does for its one window: a provider's steps are exact inside its jurisdiction and the public
 * release outside. A step no source covers (a coverage gap: no municipality has a rate) is left
 * out of the series and listed in `skippedSteps`. The analysis runs on the municipalities with a
 * rate in every step left, so the weights and the series are those of one fixed set; the others
 * come back as "no-data".
 */

export type EmergingHotSpotsQuery = {
	categories: readonly CategoryId[];
	/** Month indices of the first month of the first step and the last month of the last step. */
	from: number;
	to: number;
	step: 'quarter' | 'year';
	measure: 'rate' | 'smoothed_rate';
	/** How each step's p-values are found (see EmergingHotSpotsParams). */
	significance: 'normal' | 'permutation';
	permutations: number;
	seed: number;
	alpha: number;
};

export const STEP_MONTHS = { quarter: 3, year: 12 } as const;

/** The calendar steps covering [from, to]: first and last month index of each. */
export function calendarSteps(from: number, to: number, step: 'quarter' | 'year') {
	const months = STEP_MONTHS[step];
	const out: { from: number; to: number }[] = [];
	for (let start = from - (from % months); start <= to; start += months)
		out.push({ from: start, to: start + months - 1 });
	return out;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);
const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function emergingHotSpotsOf(
	stats: StatsService,
	q: EmergingHotSpotsQuery,
	viewOf: (window: { from: number; to: number }) => ReadonlyMap<string, number | null> | undefined,
	coverageOf?: CoverageOf
): EmergingHotSpotsResult {
	assertSummable(q.categories, q.measure);
	const steps = calendarSteps(q.from, q.to, q.step);
	const perStep = steps.map((s) =>
		stats.municipalities(
			{ categories: q.categories, from: s.from, to: s.to },
			q.measure,
			'global',
			viewOf(s),
			coverageOf
		)
	);
	const all = perStep[0]?.map((a) => a.code) ?? [];
	const hasValue = (v: number | null): v is number => v !== null && Number.isFinite(v);
	const kept = perStep.flatMap((areas, t) => (areas.some((a) => hasValue(a.value)) ? [t] : []));
	const analysedCodes = all.filter((_, m) => kept.every((t) => hasValue(perStep[t]![m]!.value)));
	const position = new Map(all.map((code, m) => [code, m]));

	const byCode = new Map<string, Omit<EmergingHotSpotValue, 'code'>>();
	if (analysedCodes.length >= 3 && kept.length >= 2) {
		const w = rowStandardisedWeights(stats.queenNeighbours(analysedCodes), { includeSelf: true });
		const series = kept.map((t) =>
			Float64Array.from(analysedCodes, (code) => perStep[t]![position.get(code)!]!.value!)
		);
		const result = emergingHotSpots(w, series, {
			significance:
				q.significance === 'permutation'
					? { method: 'permutation', permutations: q.permutations, seed: q.seed }
					: { method: 'normal' },
			alpha: q.alpha
		});
		analysedCodes.forEach((code, i) => {
			const trend = result.trends[i]!;
			byCode.set(code, {
				category: result.categories[i]!,
				z: result.steps.map((s) => round(s.z[i]!)),
				p: result.steps.map((s) => finite(s.p[i]!)),
				trend: { tau: finite(trend.tau), z: finite(trend.z), p: finite(trend.p) }
			});
		});
	}
	const label = (s: { from: number; to: number }) => ({ from: monthLabel(s.from), to: monthLabel(s.to) });
	return {
		window: label({ from: steps[0]?.from ?? q.from, to: steps.at(-1)?.to ?? q.to }),
		step: q.step,
		measure: q.measure,
		significance: q.significance,
		permutations: q.permutations,
		seed: q.seed,
		alpha: q.alpha,
		fdr: true,
		steps: kept.map((t) => label(steps[t]!)),
		skippedSteps: steps.filter((_, t) => !kept.includes(t)).map(label),
		analysed: byCode.size,
		categories: [...EHSA_CATEGORIES],
		coverage: stats.notes(q.categories, q.from, q.to, coverageOf).coverage,
		values: all.map((code) => ({
			code,
			...(byCode.get(code) ?? { category: 'no-data', z: [], p: [], trend: null })
		}))
	};
}
