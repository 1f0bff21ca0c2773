/**
 * Rates per inhabitant, and empirical-Bayes smoothing for the small populations whose crude rates
 * jump with a single event (a municipality of 300 people with one homicide has a rate of 333 per
 * 100,000). Pure functions.
 *
 * Method: Marshall, R. J. (1991), "Mapping disease and mortality rates using empirical Bayes
 * estimators", Journal of the Royal Statistical Society, Series C (Applied Statistics) 40(2),
 * 283–294: the method-of-moments estimators implemented by R spdep `EBest` (global) and
 * `EBlocal` (local), and by GeoDa's "Empirical Bayes" and "Spatial Empirical Bayes" rate maps.
 */

export type Area = { count: number; population: number };

export function crudeRate(count: number, population: number, per = 100_000): number | null {
	return population > 0 ? (count / population) * per : null;
}

/** Percentage change from `before` to `after`; null when `before` is zero. */
export function percentChange(before: number, after: number): number | null {
	return before === 0 ? null : ((after - before) / before) * 100;
}

/**
 * Shrinks each crude rate r towards the reference rate b by w = a / (a + b / P), where a is the
 * between-area variance of rates estimated by the method of moments, s² − b / P̄ (0 when negative:
 * then the rates vary no more than chance would make them, and every area gets b).
 */
function shrink(r: number, population: number, b: number, a: number): number {
	if (a <= 0) return b;
	const w = a / (a + b / population);
	return w * r + (1 - w) * b;
}

/** Moments over a set of areas (all with population > 0): b = ΣO/ΣP, s², and a = s² − b/P̄. */
function moments(set: readonly Area[]): { b: number; a: number } {
	let totalCount = 0;
	let totalPopulation = 0;
	for (const area of set) {
		totalCount += area.count;
		totalPopulation += area.population;
	}
	const b = totalCount / totalPopulation;
	let s2 = 0;
	for (const area of set) s2 += area.population * (area.count / area.population - b) ** 2;
	s2 /= totalPopulation;
	const meanPopulation = totalPopulation / set.length;
	return { b, a: Math.max(0, s2 - b / meanPopulation) };
}

/**
 * Global EB (spdep `EBest(n, x)`, Marshall 1991 eq. 8–10): one reference rate and variance for all
 * areas. Areas without population get null and take no part in the moments.
 */
export function globalEmpiricalBayes(areas: readonly Area[], per = 100_000): (number | null)[] {
	const valid = areas.filter((area) => area.population > 0);
	if (valid.length === 0) return areas.map(() => null);
	const { b, a } = moments(valid);
	return areas.map((area) =>
		area.population > 0 ? shrink(area.count / area.population, area.population, b, a) * per : null
	);
}

/**
 * Local EB (spdep `EBlocal(ri, ni, nb)`): the reference rate and variance of each area come from
 * the area and its neighbours (`neighbours[i]` are indices into `areas`). spdep computes the local
 * variance with the mean population of the set (`nbar`), as here. An island or an area whose
 * neighbours have no population has a set of one: its variance is zero, so it keeps its crude rate
 * as the reference and is not smoothed (there is nothing nearby to borrow from).
 */
export function localEmpiricalBayes(
	areas: readonly Area[],
	neighbours: readonly (readonly number[])[],
	per = 100_000
): (number | null)[] {
	return areas.map((area, i) => {
		if (!(area.population > 0)) return null;
		const set = [area, ...(neighbours[i] ?? []).map((j) => areas[j]!).filter((n) => n.population > 0)];
		const { b, a } = moments(set);
		const r = area.count / area.population;
		if (set.length === 1) return r * per;
		return shrink(r, area.population, b, a) * per;
	});
}
