import { crudeRate, globalEmpiricalBayes, localEmpiricalBayes } from '../rates';

/**
 * Rates the public may see, computed from PUBLISHED counts only: a rate from a true count would
 * give the count back (rate × population / 100,000), and empirical-Bayes smoothing that used the
 * true counts of suppressed areas in its national (or neighbourhood) mean and variance would let
 * an intruder solve for them. Pure.
 */

export type PublishedArea = {
	/**
	 * The published count; null when the area has no data or its count is small or withheld (a
	 * withheld area takes no part in smoothing, as one without data: a fixed rule on what is
	 * published).
	 */
	count: number | null;
	/** The true count is from 1 to 10: no value of it, nor of its rates, is published. */
	small: boolean;
	population: number;
};

/** Rate per `per` inhabitants of a published count (null for small counts and no data). */
export function publishedRate(area: PublishedArea, per = 100_000): number | null {
	return area.count === null ? null : crudeRate(area.count, area.population, per);
}

/**
 * Empirical-Bayes smoothed rates (Marshall 1991; rates.ts) over published counts. A small area
 * takes part in the moments with `smallValue`, the midpoint of the small range — all the public
 * knows of it — so that suppressed areas neither vanish from the reference rate nor enter it with
 * their true counts; it gets no smoothed rate of its own. Areas without data or population take
 * no part, as in the restricted computation.
 */
export function publishedSmoothedRates(
	areas: readonly PublishedArea[],
	smoothing: 'global' | 'local',
	neighbours: readonly (readonly number[])[],
	smallValue: number,
	per = 100_000
): (number | null)[] {
	const idx = areas
		.map((a, i) => ({ a, i }))
		.filter(({ a }) => (a.count !== null || a.small) && a.population > 0)
		.map(({ i }) => i);
	const position = new Map(idx.map((m, i) => [m, i]));
	const input = idx.map((m) => ({
		count: areas[m]!.small ? smallValue : areas[m]!.count!,
		population: areas[m]!.population
	}));
	const smoothed =
		smoothing === 'local'
			? localEmpiricalBayes(
					input,
					idx.map((m) => (neighbours[m] ?? []).filter((n) => position.has(n)).map((n) => position.get(n)!)),
					per
				)
			: globalEmpiricalBayes(input, per);
	const out: (number | null)[] = areas.map(() => null);
	idx.forEach((m, i) => {
		if (!areas[m]!.small) out[m] = smoothed[i] ?? null;
	});
	return out;
}
