/**
 * Rates per inhabitant, and empirical-Bayes smoothing for the small populations whose crude rates
 * jump with a single event (a municipality of 300 people with one homicide has a rate of 333 per
 * 100,000). Pure functions.
 *
 * Method: Marshall, R. J. (1991), "Mapping disease and mortality rates using empirical Bayes
 * estimators", Journal of the Royal Statistical Society, Series C (Applied Statistics) 40(2),
 * 283–294: the method-of-moments estimators, global as R spdep `EBest(n, x)` and GeoDa's
 * "Empirical Bayes" rate map, local as GeoDa's "Spatial Empirical Bayes" rate map, which is spdep
 * `EBlocal(ri, ni, nb, geoda = TRUE)`, not spdep's default `geoda = FALSE` (see
 * `localEmpiricalBayes`). The local variant is the one of Anselin, L., Lozano, N. & Koschinsky, J.
 * (2006), "Rate Transformations and Smoothing", Spatial Analysis Laboratory, Department of
 * Geography, University of Illinois, Urbana-Champaign (GeoDa). Both are checked against spdep
 * 1.2-7 to 1e-9 on a fixed lattice (tests/spdep/eb-reference.R, eb.expected.json).
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
 * Local EB, GeoDa's "Spatial Empirical Bayes" (Anselin, Lozano & Koschinsky 2006) and spdep
 * `EBlocal(ri, ni, nb, geoda = TRUE)`: the reference rate and variance of each area i come from
 * the set S of the area and its neighbours (`neighbours[i]` are indices into `areas`): m_i = ΣO/ΣP
 * over S, and the variance Σ_{j∈S} P_j (r_j − m_i)² / ΣP around that same m_i, less m_i / P̄ with P̄
 * the mean population of S. spdep's default (`geoda = FALSE`) differs: it takes each neighbour's
 * deviation from the neighbour's own local mean, (r_j − m_j)²; on the reference lattice every area
 * but the island differs from it (by up to 42.6 per 100,000). An island or an area whose neighbours
 * have no population has a set of one: its variance is zero, so it keeps its crude rate as the
 * reference and is not smoothed (there is nothing nearby to borrow from). Unlike spdep, which
 * refuses a zero population and gives NaN for a set without events (0/0), an area without
 * population is null and left out of its neighbours' sets, and a set without events gives 0.
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
