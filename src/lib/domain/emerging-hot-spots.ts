import {
	benjaminiHochberg,
	conditionalPermutationP,
	localGStar,
	type SpatialWeights
} from './spatial-autocorrelation';

/**
 * Emerging Hot Spot Analysis (EHSA): Getis-Ord Gi* in every time step, a Mann-Kendall trend test
 * of each location's series of Gi* z-values, and the 17 patterns of ArcGIS Pro's "How Emerging
 * Hot Spot Analysis works" (Space Time Pattern Mining toolbox), also implemented by R sfdep's
 * `emerging_hotspot_analysis` (its `classify_hotspot`, R/emerging-hostpot-classifications.R).
 *
 * Differences from ArcGIS, on purpose: its Gi* neighbourhood may span earlier time steps; ours is
 * spatial only (each step on its own, like sfdep with k = 0), because the steps are calendar
 * quarters or years of municipal rates, not bins of a space-time cube. Significance per step is
 * the project's conditional-permutation pseudo p-value of Gi* (as on the hot-spot map, and as
 * sfdep does with `nsim`), or the normal-theory two-sided p of the z-value as ArcGIS does; either
 * is corrected with Benjamini-Hochberg's false discovery rate within the step, as ArcGIS does.
 *
 * tests/ehsa/ holds the R script and the reference values the unit tests compare against.
 */

export const EHSA_CATEGORIES = [
	'new-hot-spot',
	'consecutive-hot-spot',
	'intensifying-hot-spot',
	'persistent-hot-spot',
	'diminishing-hot-spot',
	'sporadic-hot-spot',
	'oscillating-hot-spot',
	'historical-hot-spot',
	'new-cold-spot',
	'consecutive-cold-spot',
	'intensifying-cold-spot',
	'persistent-cold-spot',
	'diminishing-cold-spot',
	'sporadic-cold-spot',
	'oscillating-cold-spot',
	'historical-cold-spot',
	'no-pattern'
] as const;
export type EhsaCategory = (typeof EHSA_CATEGORIES)[number];

/** −1 a significant cold spot, +1 a significant hot spot, 0 neither, in one time step. */
export type StepClass = -1 | 0 | 1;

// ---------------------------------------------------------------------------------------------
// The normal distribution's upper tail, to the precision of R's pnorm.

/**
 * P(Z > x) for a standard normal Z, by W. J. Cody's rational Chebyshev approximations
 * ("Rational Chebyshev approximation for the error function", Math. Comp. 1969; his 1993 ANORM),
 * with the coefficients and the split exp(−x²/2) of R's nmath/pnorm.c, so that p-values agree
 * with R's `pnorm(x, lower.tail = FALSE)` to a few units in the last place.
 */
export function normalUpperTail(x: number): number {
	if (Number.isNaN(x)) return NaN;
	const y = Math.abs(x);
	let upper: number;
	if (y <= 0.67448975) {
		const a = [2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356];
		const b = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
		let num = 0;
		let den = 0;
		if (y > Number.EPSILON / 2) {
			const xsq = x * x;
			num = 0.06568233791820745 * xsq;
			den = xsq;
			for (let i = 0; i < 3; i++) {
				num = (num + a[i]!) * xsq;
				den = (den + b[i]!) * xsq;
			}
		}
		return 0.5 - (x * (num + a[3]!)) / (den + b[3]!);
	}
	if (y <= Math.sqrt(32)) {
		const c = [
			0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
			6848.190450536283, 11602.65143764735, 9842.714838383978
		];
		const d = [
			22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
			34900.95272114598, 38912.00328609327, 19685.429676859992
		];
		let num = 1.0765576773720192e-8 * y;
		let den = y;
		for (let i = 0; i < 7; i++) {
			num = (num + c[i]!) * y;
			den = (den + d[i]!) * y;
		}
		upper = tailOf(y, (num + c[7]!) / (den + d[7]!));
	} else if (y < 37.5193) {
		const p = [0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934];
		const q = [1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824];
		const xsq = 1 / (x * x);
		let num = 0.023073441764940174 * xsq;
		let den = xsq;
		for (let i = 0; i < 4; i++) {
			num = (num + p[i]!) * xsq;
			den = (den + q[i]!) * xsq;
		}
		const r = (xsq * (num + 2.9112874951168793e-5)) / (den + 7.297515550839662e-5);
		upper = tailOf(y, (0.3989422804014327 - r) / y);
	} else {
		upper = 0;
	}
	return x > 0 ? upper : 1 - upper;
}

/** exp(−y²/2)·r, with y² split as R does so that the exponent keeps its precision. */
function tailOf(y: number, r: number): number {
	const ysq = Math.trunc(y * 16) / 16;
	const del = (y - ysq) * (y + ysq);
	return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5) * r;
}

// ---------------------------------------------------------------------------------------------
// Mann-Kendall trend test.

export type MannKendall = {
	/** Kendall's S: concordant minus discordant pairs of (time, value). */
	s: number;
	/** Var(S) with the correction for tied values. */
	variance: number;
	/** Kendall's tau-b between the values and time. */
	tau: number;
	/** S / √Var(S), without continuity correction; NaN when every value ties. */
	z: number;
	/** Two-sided p-value of z under the normal approximation. */
	p: number;
};

/**
 * The Mann-Kendall test of a monotone trend in `values` over time (Mann 1945, Kendall 1975):
 * exactly R's `cor.test(values, seq_along(values), method = "kendall", exact = FALSE)` — tau-b,
 * S = Σ_{i<j} sign(x_j − x_i), Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over the groups of
 * t tied values (time has no ties, so R's other tie terms vanish), z = S / √Var(S) with R's default
 * continuity = FALSE, and p = 2·P(Z > |z|).
 */
export function mannKendall(values: ArrayLike<number>): MannKendall {
	const n = values.length;
	let s = 0;
	for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j]! - values[i]!);
	const ties = new Map<number, number>();
	for (let i = 0; i < n; i++) ties.set(values[i]!, (ties.get(values[i]!) ?? 0) + 1);
	let tieVariance = 0;
	let tiedPairs = 0;
	for (const t of ties.values()) {
		tieVariance += t * (t - 1) * (2 * t + 5);
		tiedPairs += (t * (t - 1)) / 2;
	}
	const pairs = (n * (n - 1)) / 2;
	const variance = (n * (n - 1) * (2 * n + 5) - tieVariance) / 18;
	const tau = s / Math.sqrt((pairs - tiedPairs) * pairs);
	const z = variance > 0 ? s / Math.sqrt(variance) : NaN;
	return { s, variance, tau, z, p: 2 * normalUpperTail(Math.abs(z)) };
}

// ---------------------------------------------------------------------------------------------
// The 17 patterns.

/**
 * A location's pattern from its per-step classes (oldest first) and the Mann-Kendall test of its
 * Gi* z-values. ArcGIS Pro's definitions, quoted, for hot spots (cold spots mirror them):
 *
 * - New: "a statistically significant hot spot for the final time step and has never been a
 *   statistically significant hot spot before."
 * - Consecutive: "a single uninterrupted run of at least two statistically significant hot spot
 *   bins in the final time-step intervals. The location has never been a statistically
 *   significant hot spot prior to the final hot spot run and less than 90 percent of all bins are
 *   statistically significant hot spots."
 * - Intensifying: "a statistically significant hot spot for 90 percent of the time-step intervals,
 *   including the final time step. In addition, the intensity of clustering of high counts in each
 *   time step is increasing overall and that increase is statistically significant."
 * - Persistent: "a statistically significant hot spot for 90 percent of the time-step intervals
 *   with no discernible trend in the intensity of clustering over time."
 * - Diminishing: as intensifying, with the intensity "decreasing overall and that decrease is
 *   statistically significant."
 * - Sporadic: "a statistically significant hot spot for the final time-step interval with a
 *   history of also being an on-again and off-again hot spot. Less than 90 percent of the
 *   time-step intervals have been statistically significant hot spots and none of the time-step
 *   intervals have been statistically significant cold spots."
 * - Oscillating: "a statistically significant hot spot for the final time-step interval that has a
 *   history of also being a statistically significant cold spot during a prior time step. Less
 *   than 90 percent of the time-step intervals have been statistically significant hot spots."
 * - Historical: "the most recent time period is not hot, but at least 90 percent of the time-step
 *   intervals have been statistically significant hot spots."
 * - No pattern: "does not fall into any of the hot or cold spot patterns."
 *
 * Where the text leaves room, these choices make the patterns a partition:
 * - "90 percent" is at least 90 % of the steps (ArcGIS's historical wording, sfdep's `>= .9`);
 *   a trend is significant when its p ≤ alpha and its tau has the sign named.
 * - The ≥ 90 % patterns come first, so that nine cold steps and a final hot one are a historical
 *   cold spot (not an oscillating hot spot), symmetrically. At ≥ 90 % hot: historical if the final
 *   step is not hot; else intensifying or diminishing on a
 *   significant trend, persistent otherwise (ArcGIS ties "including the final time step" to
 *   those two only; a ≥ 90 % location whose last step is not hot is historical by its text).
 * - A prior cold spot makes a final hot spot oscillating before anything else, as sfdep's `new`
 *   and `consecutive` (which require no earlier significant bin at all) also imply.
 * - Sporadic requires the final step hot, as ArcGIS Pro's current text does; sfdep follows the
 *   older ArcMap text ("an on-again then off-again hot spot", final step free) and so calls a
 *   location hot only in the middle of the period sporadic, where this is no pattern.
 * - sfdep departs from the text in a few places that we do not follow: its intensifying counts
 *   significant cold steps towards the 90 %, its historical needs a negative final z instead of
 *   "not hot", and its oscillating hot spot allows exactly 90 % hot steps.
 */
export function classifyEmergingPattern(
	classes: readonly StepClass[],
	trend: Pick<MannKendall, 'tau' | 'p'>,
	alpha = 0.05
): EhsaCategory {
	const n = classes.length;
	if (n === 0) return 'no-pattern';
	const last = classes[n - 1]!;
	const significantTrend = trend.p <= alpha;
	for (const sign of [1, -1] as const) {
		const kind = sign === 1 ? 'hot' : 'cold';
		// At least 90 %, in integers: count / n ≥ 0.9.
		if (classes.filter((c) => c === sign).length * 10 < 9 * n) continue;
		if (last !== sign) return `historical-${kind}-spot`;
		if (significantTrend && Math.sign(trend.tau) === sign) return `intensifying-${kind}-spot`;
		if (significantTrend && Math.sign(trend.tau) === -sign) return `diminishing-${kind}-spot`;
		return `persistent-${kind}-spot`;
	}
	if (last === 0) return 'no-pattern';
	const kind = last === 1 ? 'hot' : 'cold';
	const before = classes.slice(0, n - 1);
	if (before.includes(-last as StepClass)) return `oscillating-${kind}-spot`;
	if (!before.includes(last)) return `new-${kind}-spot`;
	let start = n - 1;
	while (start > 0 && classes[start - 1] === last) start--;
	if (n - start >= 2 && !classes.slice(0, start).includes(last)) return `consecutive-${kind}-spot`;
	return `sporadic-${kind}-spot`;
}

// ---------------------------------------------------------------------------------------------
// The analysis.

export type EhsaSignificance =
	{ method: 'permutation'; permutations: number; seed: number } | { method: 'normal' };

export type EhsaOptions = {
	significance: EhsaSignificance;
	/** Significance level of each step's FDR-corrected p and of the trend; ArcGIS uses 0.05. */
	alpha?: number;
};

export type EmergingHotSpots = {
	/** Per step (oldest first): Gi* z, the BH-adjusted p, and the class, per location. */
	steps: { z: Float64Array; p: Float64Array; classes: StepClass[] }[];
	/** Per location: the trend of its z series and its pattern. */
	trends: MannKendall[];
	categories: EhsaCategory[];
};

/**
 * Seeds of the steps' permutations: distinct per step (so that one unlucky draw table is not
 * shared by every step of a location's series) and fixed by the caller's seed.
 */
export function stepSeed(seed: number, step: number): number {
	return (seed + Math.imul(step, 0x9e3779b9)) >>> 0;
}

/**
 * EHSA on `series` (one value vector per step, oldest first, each over the same locations as
 * `w`, whose rows must include each location itself, as Gi* needs). A step whose values are all
 * equal has no clustering: its z-values are 0 there and nothing is significant. A location
 * without neighbours is never significant (its permutation p-value is undefined).
 */
export function emergingHotSpots(
	w: SpatialWeights,
	series: readonly ArrayLike<number>[],
	{ significance, alpha = 0.05 }: EhsaOptions
): EmergingHotSpots {
	const steps = series.map((x, t) => {
		const z = localGStar(x, w).z.map((v) => (Number.isFinite(v) ? v : 0));
		let p: Float64Array;
		if (significance.method === 'permutation') {
			p = conditionalPermutationP('gstar', x, w, {
				permutations: significance.permutations,
				seed: stepSeed(significance.seed, t)
			});
		} else {
			p = z.map((v, i) => (w.offsets[i + 1]! - w.offsets[i]! > 1 ? 2 * normalUpperTail(Math.abs(v)) : NaN));
		}
		p = benjaminiHochberg(p);
		const classes = Array.from(z, (v, i): StepClass => (p[i]! <= alpha && v !== 0 ? (v > 0 ? 1 : -1) : 0));
		return { z, p, classes };
	});
	const trends: MannKendall[] = [];
	const categories: EhsaCategory[] = [];
	for (let i = 0; i < w.n; i++) {
		const trend = mannKendall(steps.map((s) => s.z[i]!));
		trends.push(trend);
		categories.push(
			classifyEmergingPattern(
				steps.map((s) => s.classes[i]!),
				trend,
				alpha
			)
		);
	}
	return { steps, trends, categories };
}
