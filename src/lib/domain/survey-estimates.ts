import jStat from 'jstat';

/**
 * Estimates from the leaders' panel, per municipality and wave. Pure functions, checked in
 * survey-estimates.spec.ts against values computed by hand.
 *
 * - Mean on the 1–5 scale with a 95 % t interval (mean ± t(0.975, n−1) · s/√n).
 * - Share trusting (4 or 5) with a Wilson score interval (Wilson 1927; Agresti & Coull 1998),
 *   which stays inside 0–1 and behaves with small n, unlike the Wald interval.
 * - Change from the previous wave as a paired t test on the respondents who answered both waves
 *   (the same people answer every month, so each is compared with themselves).
 * - Shrinkage towards the department mean (a James–Stein style weight n / (n + k)).
 */

/** Fewer answers than this: not shown to the public, marked unreliable to everyone else. */
export const MIN_RELIABLE_ANSWERS = 10;

export type Interval = { estimate: number; low: number; high: number };

export function mean(values: readonly number[]): number {
	return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample standard deviation (n − 1). */
export function sd(values: readonly number[]): number {
	const m = mean(values);
	return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

/** Mean with its 95 % t interval; null with fewer than 2 values. */
export function meanInterval(values: readonly number[], level = 0.95): Interval | null {
	if (values.length < 2) return null;
	const m = mean(values);
	const half =
		jStat.studentt.inv(1 - (1 - level) / 2, values.length - 1) * (sd(values) / Math.sqrt(values.length));
	return { estimate: m, low: m - half, high: m + half };
}

/** Share of successes with its Wilson score interval (z = 1.959964 for 95 %). */
export function wilsonInterval(successes: number, n: number, z = 1.959964): Interval | null {
	if (n === 0) return null;
	const p = successes / n;
	const denominator = 1 + (z * z) / n;
	const centre = (p + (z * z) / (2 * n)) / denominator;
	const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
	return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export type PairedTest = { n: number; meanDifference: number; t: number; p: number; significant: boolean };

/**
 * Paired t test of `after − before` for the same respondents (two-sided). With no variation in
 * the differences the test is undefined unless the mean difference is zero (then p = 1).
 */
export function pairedTTest(
	pairs: readonly (readonly [before: number, after: number])[],
	alpha = 0.05
): PairedTest | null {
	if (pairs.length < 2) return null;
	const d = pairs.map(([before, after]) => after - before);
	const m = mean(d);
	const s = sd(d);
	if (s === 0)
		return {
			n: d.length,
			meanDifference: m,
			t: m === 0 ? 0 : Infinity,
			p: m === 0 ? 1 : 0,
			significant: m !== 0
		};
	const t = m / (s / Math.sqrt(d.length));
	const p = 2 * (1 - jStat.studentt.cdf(Math.abs(t), d.length - 1));
	return { n: d.length, meanDifference: m, t, p, significant: p < alpha };
}

/**
 * Shrinks a small panel's mean towards its department's: weight n / (n + k) on its own mean, so
 * 10 answers with k = 10 count half. `k` is the number of answers at which both weigh the same.
 */
export function shrinkTowards(ownMean: number, n: number, departmentMean: number, k = 10): number {
	const w = n / (n + k);
	return w * ownMean + (1 - w) * departmentMean;
}
