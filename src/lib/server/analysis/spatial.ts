import type { CategoryId } from '$lib/domain/categories';
import { monthIndex } from '$lib/domain/monthly-cube';
import {
	benjaminiHochberg,
	conditionalPermutationP,
	gStarClusters,
	localGStar,
	localMoran,
	moranClusters,
	rowStandardisedWeights
} from '$lib/domain/spatial-autocorrelation';
import type { SpatialResult, SpatialValue } from '$lib/schemas/analysis';
import { assertSummable } from '../reports/rules';
import type { CoverageOf, StatsService } from '../stats/stats';

/**
 * Local Moran's I and Getis-Ord Gi* on municipal rates with queen-contiguity weights
 * (municipality_neighbours: shared edges and shared corners). Municipalities without a value
 * (absent from the categories' sources, or without population) are left out before the weights
 * are built, as spdep's `subset.listw` would, so they neither count as zero nor as neighbours;
 * they come back with null statistics and the cluster "no-data".
 */

export type SpatialQuery = {
	categories: readonly CategoryId[];
	from: string;
	to: string;
	measure: 'rate' | 'smoothed_rate';
	permutations: number;
	seed: number;
	fdr: boolean;
	alpha: number;
};

/**
 * The values analysed: one per municipality with data, in code order. `given` replaces the exact
 * counts (a provider's view of the country, Scope.countView).
 */
export function spatialInput(
	stats: StatsService,
	q: Pick<SpatialQuery, 'categories' | 'from' | 'to' | 'measure'>,
	given?: ReadonlyMap<string, number | null>,
	coverageOf?: CoverageOf
) {
	assertSummable(q.categories, q.measure);
	const all = stats.municipalities(
		{ categories: q.categories, from: monthIndex(q.from), to: monthIndex(q.to) },
		q.measure,
		'global',
		given,
		coverageOf
	);
	const withValue = all.filter(
		(a): a is typeof a & { value: number } => a.value !== null && Number.isFinite(a.value)
	);
	const codes = withValue.map((a) => a.code);
	return {
		all,
		codes,
		values: Float64Array.from(withValue, (a) => a.value),
		neighbours: stats.queenNeighbours(codes)
	};
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export function spatialStatistic(
	stats: StatsService,
	kind: SpatialResult['statistic'],
	q: SpatialQuery,
	given?: ReadonlyMap<string, number | null>,
	coverageOf?: CoverageOf
): SpatialResult {
	const input = spatialInput(stats, q, given, coverageOf);
	const options = { permutations: q.permutations, seed: q.seed };
	const byCode = new Map<string, Omit<SpatialValue, 'code'>>();
	if (input.codes.length >= 3) {
		let statistic: Float64Array;
		let z: Float64Array;
		let p: Float64Array;
		let clusters: string[];
		if (kind === 'local-moran') {
			const w = rowStandardisedWeights(input.neighbours);
			const moran = localMoran(input.values, w);
			p = conditionalPermutationP('moran', input.values, w, options);
			if (q.fdr) p = benjaminiHochberg(p);
			({ statistic, z } = moran);
			clusters = moranClusters(moran, p, q.alpha);
		} else {
			const w = rowStandardisedWeights(input.neighbours, { includeSelf: true });
			const g = localGStar(input.values, w);
			p = conditionalPermutationP('gstar', input.values, w, options);
			if (q.fdr) p = benjaminiHochberg(p);
			({ statistic, z } = g);
			clusters = gStarClusters(g, p, q.alpha);
		}
		input.codes.forEach((code, i) =>
			byCode.set(code, {
				value: input.values[i]!,
				statistic: finite(statistic[i]!),
				z: finite(z[i]!),
				p: finite(p[i]!),
				cluster: clusters[i]!
			})
		);
	}
	return {
		statistic: kind,
		window: { from: q.from, to: q.to },
		measure: q.measure,
		permutations: q.permutations,
		seed: q.seed,
		fdr: q.fdr,
		alpha: q.alpha,
		analysed: byCode.size,
		coverage: stats.notes(q.categories, monthIndex(q.from), monthIndex(q.to), coverageOf).coverage,
		values: input.all.map((a) => ({
			code: a.code,
			...(byCode.get(a.code) ?? { value: null, statistic: null, z: null, p: null, cluster: 'no-data' })
		}))
	};
}
