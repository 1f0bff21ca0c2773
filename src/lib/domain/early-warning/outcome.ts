import jStat from 'jstat';

/**
 * What happened after a response (issue 16, "the loop"): a place's monthly counts before and
 * after, against comparable municipalities (same department, the closest levels before), as a
 * difference in differences (Angrist & Pischke 2009, ch. 5):
 *
 *   estimate = (after − before of the place) − mean over comparisons of (after − before)
 *
 * in events per month. With one treated place the interval comes from the spread of the
 * comparisons' own differences, as for a prediction of one new draw (a placebo-style interval,
 * Abadie et al. 2010 in spirit): estimate ± t(0.975, n − 1) · sd · √(1 + 1/n). It is a description,
 * not proof of causality: places are not assigned at random, and an alert picks a place at a
 * peak, so part of any fall is regression to the mean. Pure.
 */

export type OutcomeSeries = { code: string; before: readonly number[]; after: readonly number[] };

export type DiffInDiff = {
	estimate: number;
	low: number;
	high: number;
	/** The place's own change in mean events per month, and the comparisons' mean change. */
	placeChange: number;
	comparisonChange: number;
	comparisons: number;
};

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * The `k` municipalities whose mean before is closest to the place's (ties by code), among
 * `candidates`: "similar level before".
 */
export function comparableOf(
	place: OutcomeSeries,
	candidates: readonly OutcomeSeries[],
	k = 10
): OutcomeSeries[] {
	const level = mean(place.before);
	return candidates
		.filter((c) => c.code !== place.code && c.before.length > 0 && c.after.length > 0)
		.map((c) => ({ c, distance: Math.abs(mean(c.before) - level) }))
		.sort((a, b) => a.distance - b.distance || a.c.code.localeCompare(b.c.code))
		.slice(0, k)
		.map((x) => x.c);
}

/** Null with fewer than 2 comparisons or an empty period. */
export function diffInDiff(
	place: OutcomeSeries,
	comparisons: readonly OutcomeSeries[],
	level = 0.95
): DiffInDiff | null {
	if (comparisons.length < 2 || place.before.length === 0 || place.after.length === 0) return null;
	const placeChange = mean(place.after) - mean(place.before);
	const changes = comparisons.map((c) => mean(c.after) - mean(c.before));
	const comparisonChange = mean(changes);
	const n = changes.length;
	const sd = Math.sqrt(changes.reduce((a, d) => a + (d - comparisonChange) ** 2, 0) / (n - 1));
	const half = jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * sd * Math.sqrt(1 + 1 / n);
	const estimate = placeChange - comparisonChange;
	return {
		estimate,
		low: estimate - half,
		high: estimate + half,
		placeChange,
		comparisonChange,
		comparisons: n
	};
}
