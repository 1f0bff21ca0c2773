import { seededRandom } from './random';

/**
 * Local spatial statistics on municipal rates: Local Moran's I (LISA) and Getis-Ord Gi*, with
 * conditional-permutation pseudo p-values and an optional Benjamini-Hochberg correction.
 *
 * The statistics, their expectations, variances and z-values follow R spdep 1.2-7 exactly:
 * `localmoran(x, nb2listw(nb, style = "W", zero.policy = TRUE))` with its defaults
 * (conditional = TRUE, mlvar = TRUE) and `localG(x, nb2listw(include.self(nb), style = "W"))`.
 * tests/spdep/ holds the R script and the reference values the unit tests compare against.
 *
 * Weights are stored as a compressed sparse row matrix so that one pass over 1,122 municipalities
 * with ~6 neighbours each is a few thousand multiplications; 999 permutations of both statistics
 * then take tens of milliseconds.
 */

/** Row-standardised spatial weights in compressed sparse row form. */
export type SpatialWeights = {
	n: number;
	/** Row i's neighbours are `neighbours[offsets[i]] … neighbours[offsets[i + 1] - 1]`. */
	offsets: Int32Array;
	neighbours: Int32Array;
	weights: Float64Array;
	/** Whether each area is its own neighbour (Gi*); the self entry is then first in its row. */
	selfIncluded: boolean;
};

/**
 * Row-standardised weights ("W" style) from neighbour lists. An island (no neighbours) gets an
 * empty row, as spdep does with zero.policy = TRUE; with `includeSelf` its row is itself alone.
 */
export function rowStandardisedWeights(
	neighbourLists: readonly (readonly number[])[],
	{ includeSelf = false }: { includeSelf?: boolean } = {}
): SpatialWeights {
	const n = neighbourLists.length;
	const offsets = new Int32Array(n + 1);
	let total = 0;
	for (let i = 0; i < n; i++) {
		const own = new Set(neighbourLists[i]);
		own.delete(i);
		total += own.size + (includeSelf ? 1 : 0);
		offsets[i + 1] = total;
	}
	const neighbours = new Int32Array(total);
	const weights = new Float64Array(total);
	for (let i = 0; i < n; i++) {
		const row = [...new Set(neighbourLists[i])].filter((j) => j !== i).sort((a, b) => a - b);
		if (includeSelf) row.unshift(i);
		const start = offsets[i]!;
		for (let k = 0; k < row.length; k++) {
			const j = row[k]!;
			if (!Number.isInteger(j) || j < 0 || j >= n)
				throw new RangeError(`neighbour ${j} of area ${i} is not an area`);
			neighbours[start + k] = j;
			weights[start + k] = 1 / row.length;
		}
	}
	return { n, offsets, neighbours, weights, selfIncluded: includeSelf };
}

/** How many neighbours an area has, not counting itself. */
export function cardinality(w: SpatialWeights, i: number): number {
	return w.offsets[i + 1]! - w.offsets[i]! - (w.selfIncluded ? 1 : 0);
}

/** Σ_j w_ij v_j for every i (spdep's `lag.listw`). */
export function spatialLag(w: SpatialWeights, values: ArrayLike<number>): Float64Array {
	const out = new Float64Array(w.n);
	for (let i = 0; i < w.n; i++) {
		let sum = 0;
		for (let k = w.offsets[i]!; k < w.offsets[i + 1]!; k++) sum += w.weights[k]! * values[w.neighbours[k]!]!;
		out[i] = sum;
	}
	return out;
}

export type LocalMoran = {
	/** I_i; 0 for an island. */
	statistic: Float64Array;
	expectation: Float64Array;
	variance: Float64Array;
	/** (I_i − E[I_i]) / √Var[I_i]; NaN for an island (its variance is 0). */
	z: Float64Array;
	/** x − mean(x) and its spatial lag: the quadrant of the Moran scatterplot. */
	centred: Float64Array;
	lag: Float64Array;
};

/** Local Moran's I with spdep's conditional (randomisation) moments, mlvar = TRUE. */
export function localMoran(x: ArrayLike<number>, w: SpatialWeights): LocalMoran {
	if (w.selfIncluded) throw new Error('Local Moran needs weights without self-neighbours');
	const n = w.n;
	if (x.length !== n) throw new RangeError(`${x.length} values for ${n} areas`);
	let mean = 0;
	for (let i = 0; i < n; i++) mean += x[i]!;
	mean /= n;
	const z = new Float64Array(n);
	let m2 = 0;
	for (let i = 0; i < n; i++) {
		z[i] = x[i]! - mean;
		m2 += z[i]! * z[i]!;
	}
	m2 /= n;
	const lag = spatialLag(w, z);
	const statistic = new Float64Array(n);
	const expectation = new Float64Array(n);
	const variance = new Float64Array(n);
	const zValue = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let wi = 0;
		let wi2 = 0;
		for (let k = w.offsets[i]!; k < w.offsets[i + 1]!; k++) {
			wi += w.weights[k]!;
			wi2 += w.weights[k]! * w.weights[k]!;
		}
		const zi = z[i]!;
		const zi2 = zi * zi;
		statistic[i] = (zi / m2) * lag[i]!;
		expectation[i] = -(zi2 * wi) / ((n - 1) * m2);
		variance[i] = (zi / m2) ** 2 * (n / (n - 2)) * (wi2 - (wi * wi) / (n - 1)) * (m2 - zi2 / (n - 1));
		zValue[i] = (statistic[i]! - expectation[i]!) / Math.sqrt(variance[i]!);
	}
	return { statistic, expectation, variance, z: zValue, centred: z, lag };
}

export type LocalGStar = {
	/** G*_i = Σ_j w_ij x_j / Σ_j x_j (spdep's internals "G*i"). */
	statistic: Float64Array;
	/** The standardised statistic: what spdep's `localG` returns. */
	z: Float64Array;
};

/** Getis-Ord Gi*: weights must include each area as its own neighbour. */
export function localGStar(x: ArrayLike<number>, w: SpatialWeights): LocalGStar {
	if (!w.selfIncluded) throw new Error('Gi* needs weights that include each area itself');
	const n = w.n;
	if (x.length !== n) throw new RangeError(`${x.length} values for ${n} areas`);
	let total = 0;
	for (let i = 0; i < n; i++) total += x[i]!;
	const mean = total / n;
	let s2 = 0;
	for (let i = 0; i < n; i++) s2 += (x[i]! - mean) ** 2;
	s2 /= n;
	const lag = spatialLag(w, x);
	const statistic = new Float64Array(n);
	const z = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let wi = 0;
		let s1i = 0;
		for (let k = w.offsets[i]!; k < w.offsets[i + 1]!; k++) {
			wi += w.weights[k]!;
			s1i += w.weights[k]! * w.weights[k]!;
		}
		statistic[i] = lag[i]! / total;
		z[i] = (lag[i]! - wi * mean) / Math.sqrt((s2 * (n * s1i - wi * wi)) / (n - 1));
	}
	return { statistic, z };
}

export type PermutationOptions = { permutations: number; seed: number };

/**
 * Conditional-permutation pseudo p-values: for each area, its value stays put and its
 * neighbours' values are replaced by a random draw (without replacement) from all other areas,
 * `permutations` times. p = (1 + the number of draws at least as extreme, on the side of the
 * observed statistic) / (permutations + 1) — the folded one-sided convention of PySAL/GeoDa, but
 * counting ties on both sides so that a constant statistic gets p = 1. Islands get NaN: there is
 * nothing to permute.
 *
 * For Moran the permuted statistic is z_i/m2 · Σ w_ik z_π(k); for Gi* it is the lag w_ii x_i +
 * Σ w_ik x_π(k), a monotone function of the standardised value, so ranks are the same.
 */
export function conditionalPermutationP(
	kind: 'moran' | 'gstar',
	x: ArrayLike<number>,
	w: SpatialWeights,
	{ permutations, seed }: PermutationOptions
): Float64Array {
	const n = w.n;
	const values = new Float64Array(n);
	const factor = new Float64Array(n).fill(1);
	if (kind === 'moran') {
		let mean = 0;
		for (let i = 0; i < n; i++) mean += x[i]!;
		mean /= n;
		let m2 = 0;
		for (let i = 0; i < n; i++) {
			values[i] = x[i]! - mean;
			m2 += values[i]! * values[i]!;
		}
		m2 /= n;
		// A constant field has no pattern to find: every permutation ties and p = 1.
		for (let i = 0; i < n; i++) factor[i] = m2 > 0 ? values[i]! / m2 : 0;
	} else {
		for (let i = 0; i < n; i++) values[i] = x[i]!;
	}

	// One table of draws shared by every area, as esda (PySAL) does: row r holds kMax distinct
	// positions among n − 1 (a partial Fisher-Yates shuffle); area i reads the first k of them,
	// position p standing for area p, or p + 1 from i on (so i never draws itself). Sharing the
	// draws keeps the test exact for each area and makes 999 permutations of 1,122 areas a few
	// million multiply-adds instead of as many calls to the generator.
	let kMax = 0;
	for (let i = 0; i < n; i++)
		kMax = Math.max(kMax, w.offsets[i + 1]! - w.offsets[i]! - (w.selfIncluded ? 1 : 0));
	kMax = Math.min(kMax, n - 1);
	const random = seededRandom(seed);
	const pool = new Int32Array(n - 1);
	for (let p = 0; p < n - 1; p++) pool[p] = p;
	const draws = new Int32Array(permutations * kMax);
	for (let r = 0; r < permutations; r++) {
		for (let t = 0; t < kMax; t++) {
			const pick = t + Math.floor(random() * (n - 1 - t));
			const chosen = pool[pick]!;
			pool[pick] = pool[t]!;
			pool[t] = chosen;
			draws[r * kMax + t] = chosen;
		}
	}

	const out = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const start = w.offsets[i]! + (w.selfIncluded ? 1 : 0);
		const k = w.offsets[i + 1]! - start;
		if (k === 0) {
			out[i] = NaN;
			continue;
		}
		const fixed = w.selfIncluded ? w.weights[w.offsets[i]!]! * values[i]! : 0;
		let observedSum = 0;
		for (let t = start; t < start + k; t++) observedSum += w.weights[t]! * values[w.neighbours[t]!]!;
		const observed = factor[i]! * observedSum + fixed;
		let atLeast = 0;
		let atMost = 0;
		for (let r = 0; r < permutations; r++) {
			const row = r * kMax;
			let sum = 0;
			for (let t = 0; t < k; t++) {
				const position = draws[row + t]!;
				sum += w.weights[start + t]! * values[position >= i ? position + 1 : position]!;
			}
			const permuted = factor[i]! * sum + fixed;
			if (permuted >= observed) atLeast++;
			if (permuted <= observed) atMost++;
		}
		out[i] = (Math.min(atLeast, atMost) + 1) / (permutations + 1);
	}
	return out;
}

/**
 * Benjamini-Hochberg adjusted p-values (R's `p.adjust(p, "BH")`); NaN entries are left out of the
 * count and stay NaN.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
	const out = new Float64Array(p.length).fill(NaN);
	const order = Array.from({ length: p.length }, (_, i) => i)
		.filter((i) => !Number.isNaN(p[i]!))
		.sort((a, b) => p[b]! - p[a]!);
	const m = order.length;
	let running = 1;
	order.forEach((i, position) => {
		const rank = m - position;
		running = Math.min(running, (m / rank) * p[i]!);
		out[i] = running;
	});
	return out;
}

export type MoranCluster =
	'high-high' | 'low-low' | 'high-low' | 'low-high' | 'not-significant' | 'no-neighbours';
export type GStarCluster = 'hot' | 'cold' | 'not-significant' | 'no-neighbours';

/**
 * The LISA cluster map: the quadrant of the Moran scatterplot (value and neighbours' mean above
 * or below the mean, spdep's "pysal" quadrants) where the pseudo p-value is at most `alpha`.
 */
export function moranClusters(moran: LocalMoran, p: ArrayLike<number>, alpha = 0.05): MoranCluster[] {
	return Array.from(moran.statistic, (_, i) => {
		if (Number.isNaN(p[i]!)) return 'no-neighbours';
		if (p[i]! > alpha) return 'not-significant';
		const high = moran.centred[i]! > 0;
		const neighboursHigh = moran.lag[i]! > 0;
		return high ? (neighboursHigh ? 'high-high' : 'high-low') : neighboursHigh ? 'low-high' : 'low-low';
	});
}

/** Hot spots (significant, above expectation) and cold spots (significant, below). */
export function gStarClusters(g: LocalGStar, p: ArrayLike<number>, alpha = 0.05): GStarCluster[] {
	return Array.from(g.z, (z, i) => {
		if (Number.isNaN(p[i]!)) return 'no-neighbours';
		if (p[i]! > alpha) return 'not-significant';
		return z > 0 ? 'hot' : 'cold';
	});
}
