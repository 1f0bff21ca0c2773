/**
 * The flexible Farrington outbreak-detection method (Farrington et al. 1996, J R Stat Soc A
 * 159:547; improved by Noufaily et al. 2013, "An improved algorithm for outbreak detection in
 * multiple surveillance systems", Stat Med 32:1206) for monthly counts, following R `surveillance`'s
 * `farringtonFlexible` (R/farringtonFlexible.R, surveillance 1.26.0; the reference values come from
 * 1.20.3, whose code is the same) step by step, so that it gives R's expected values, upper bounds
 * and alarms (tests/farrington), R's quirks included (seasonalBlocks, fitModel). For the last
 * period k:
 *
 * 1. Reference data: the b windows of 2w + 1 months centred on k − 12, k − 24, … k − 12b, and, with
 *    `noPeriods` > 1, the months between windows split into noPeriods − 1 seasonal blocks (the
 *    windows being block noPeriods), exactly as R's `blocks()` builds them; the last
 *    `pastWeeksNotIncluded` months before k (and k) are left out.
 * 2. A quasi-Poisson GLM with log link: intercept, a linear time trend, the seasonal factor.
 *    Dispersion φ = max(1, Pearson estimate); if `reweight`, Anscombe residuals standardised by
 *    √(φ (1 − h)) above `weightsThreshold` get weight s⁻² (normalised to sum n) and the model is
 *    refitted, so past outbreaks do not inflate the baseline.
 * 3. The trend stays only if significant (t test, p < `pThresholdTrend`), if b ≥ 3, and if the
 *    prediction does not exceed the largest reference count; otherwise steps 2–3 are redone without it.
 * 4. The threshold: "delta" (Farrington's, R's default) the 2/3-power transformed normal
 *    approximation with variance φ μ₀ + Var(μ̂₀); "nbPlugin" (Noufaily's) the 1 − α quantile of a
 *    negative binomial with mean μ₀ and variance φ μ₀; "muan" the same at the 1 − α quantile of μ₀.
 * 5. An alarm needs the count above the bound and at least limit54[0] cases in the last limit54[1]
 *    months (the current one included), and a non-zero count.
 *
 * Time is the period's position (R's sts with epochAsDate = FALSE): with a monthly series the
 * reference months are exactly 12, 24, … months back, whatever the calendar.
 * Missing months (NaN, e.g. a source's coverage gap) are left out of the fit as R drops NA; a gap
 * within the last limit54[1] months means no alarm, as in R.
 */
import { dispersion, fitQuasiPoisson, hatValues, QuasiPoissonFit, quadraticForm, type Design } from './glm';
import {
	negativeBinomialCdf,
	negativeBinomialQuantile,
	normalQuantile,
	normalUpper,
	poissonCdf,
	poissonQuantile,
	tTwoSided
} from './distributions';
import type { RuleResult } from './rules';

export type ThresholdMethod = 'delta' | 'nbPlugin' | 'muan';

export type FarringtonOptions = {
	/** Periods per year. */
	freq: number;
	/** Years back. */
	b: number;
	/** Half-width of the windows around the reference periods. */
	w: number;
	reweight: boolean;
	weightsThreshold: number;
	alpha: number;
	trend: boolean;
	pThresholdTrend: number;
	/** At least [0] cases in the last [1] periods, or no alarm. */
	limit54: readonly [number, number];
	/** The power transformation of the "delta" threshold. */
	powertrans: '2/3' | '1/2' | 'none';
	/** Seasonal levels: the windows plus noPeriods − 1 blocks between them (1: windows only). */
	noPeriods: number;
	/** Periods just before the evaluated one left out of the fit (R's default: w). */
	pastWeeksNotIncluded: number;
	thresholdMethod: ThresholdMethod;
};

/**
 * Monthly defaults: R's `farringtonFlexible` defaults with freq = 12 and Noufaily et al.'s 10
 * seasonal levels (R's default is 1, the original windows-only model; with 12-month years only 5
 * months lie between windows, so R's blocks give levels 1–4, 9 and 10, see seasonalBlocks).
 * pastWeeksNotIncluded stays R's default, w = 3: the 3 months before the evaluated one are left out
 * so that an outbreak building up does not lift its own baseline. Noufaily's 26 weeks (half a year)
 * would, in months, also drop the most recent gap months, the ones that let the baseline follow a
 * lasting change; and R's default is what tests/farrington checks.
 */
export const MONTHLY_DEFAULTS: FarringtonOptions = {
	freq: 12,
	b: 5,
	w: 3,
	reweight: true,
	weightsThreshold: 2.58,
	alpha: 0.05,
	trend: true,
	pThresholdTrend: 0.05,
	limit54: [5, 4],
	powertrans: '2/3',
	noPeriods: 10,
	pastWeeksNotIncluded: 3,
	thresholdMethod: 'delta'
};

export type FarringtonResult = {
	/** The evaluated period (monthIndexOfFirst + length − 1). */
	monthIndex: number;
	observed: number;
	/** μ̂₀, the model's expectation for the period. */
	expected: number;
	/** The upper bound of the (1 − α) prediction interval; an alarm is a count strictly above it. */
	upperbound: number;
	lowerbound: number;
	/** limit54 met: enough recent cases for an alarm to count (R sets upperbound NA otherwise). */
	enoughCases: boolean;
	alarm: boolean;
	/** (observed − expected) / (upperbound − expected), R's exceedance score (> 1 is above the bound). */
	score: number;
	/** P(Y ≥ observed) under the threshold's distribution. */
	pvalue: number;
	trendUsed: boolean;
	/** The trend's coefficient (log scale, per period) when used. */
	trendCoefficient: number | null;
	/** The dispersion φ ≥ 1 used by the threshold. */
	phi: number;
	/** Reference periods the reweighting down-weighted (residual above weightsThreshold). */
	downweighted: number;
	/** Reference periods in the fit. */
	referencePeriods: number;
};

/**
 * Arrays reused from one evaluation to the next (the alert service evaluates ~18,000 series in a
 * row; allocating them per series cost a third of the time). Nothing returned refers to them.
 */
class Workspace {
	readonly capacity: number;
	readonly factor: Int32Array;
	readonly time: Float64Array;
	readonly level: Int32Array;
	readonly y: Float64Array;
	readonly centred: Float64Array;
	readonly levelIndex: Int32Array;
	readonly designLevel: Int32Array;
	readonly h: Float64Array;
	readonly s: Float64Array;
	readonly omega: Float64Array;
	readonly x0: Float64Array;
	readonly fit: QuasiPoissonFit;
	constructor(capacity: number, noPeriods: number) {
		this.capacity = capacity;
		this.factor = new Int32Array(capacity + 1);
		this.time = new Float64Array(capacity);
		this.level = new Int32Array(capacity);
		this.y = new Float64Array(capacity);
		this.centred = new Float64Array(capacity);
		this.levelIndex = new Int32Array(noPeriods + 1);
		this.designLevel = new Int32Array(capacity);
		this.h = new Float64Array(capacity);
		this.s = new Float64Array(capacity);
		this.omega = new Float64Array(capacity);
		this.x0 = new Float64Array(noPeriods + 2);
		this.fit = new QuasiPoissonFit(capacity, noPeriods + 2);
	}
}

let shared: Workspace | null = null;
function workspace(n: number, noPeriods: number): Workspace {
	if (!shared || shared.capacity < n || shared.levelIndex.length < noPeriods + 1)
		shared = new Workspace(
			Math.max(n, shared?.capacity ?? 0),
			Math.max(noPeriods, (shared?.levelIndex.length ?? 1) - 1)
		);
	return shared;
}

/** R's `x[a:b] <- value`: a:b ascending or descending, both ends included. */
function assign(factor: Int32Array, from: number, to: number, value: number): void {
	if (from <= to) for (let i = from; i <= to; i++) factor[i] = value;
	else for (let i = from; i >= to; i--) factor[i] = value;
}

/**
 * R's `blocks()`: the seasonal level of every period (1-based positions; 0 = not in the reference
 * data), including its quirk for short gaps: when a gap has fewer periods than noPeriods − 1,
 * R's `a:(a − 1)` counts down, so the last levels overwrite the gap's end and the next window's first
 * period (with monthly data and w = 3, noPeriods = 10: gap levels 1–4 and 9, the window's first month 9).
 */
function seasonalBlocks(factor: Int32Array, n: number, k: number, o: FarringtonOptions): void {
	const { freq, b, w, noPeriods: p } = o;
	factor.fill(0, 0, n + 1);
	assign(factor, k - w, k, p);
	for (let i = 1; i <= b; i++) {
		const refWeek = k - freq * i;
		const previous = k - freq * (i - 1);
		assign(factor, refWeek - w, refWeek + w, p);
		if (p === 1) continue;
		const period = previous - 2 * w - 1 - refWeek;
		if (period < p - (2 * w + 1)) throw new RangeError('noPeriods is too large for the gap between windows');
		const length = Math.floor(period / (p - 1));
		const rest = period % (p - 1);
		let start = 0;
		for (let j = 1; j <= p - 1; j++) {
			const end = start + length + (j - 1 < rest ? 1 : 0);
			assign(factor, refWeek + w + 1 + start, refWeek + w + 1 + end - 1, j);
			start = end;
		}
	}
}

/** The reference periods: positions, seasonal levels and counts, in the workspace. */
type Reference = { n: number; time: Float64Array; level: Int32Array; y: Float64Array };

function referenceData(counts: ArrayLike<number>, k: number, o: FarringtonOptions, ws: Workspace): Reference {
	seasonalBlocks(ws.factor, counts.length, k, o);
	const firstExcluded = k - o.pastWeeksNotIncluded;
	let n = 0;
	for (let t = 1; t <= counts.length; t++) {
		if (ws.factor[t] === 0 || t >= firstExcluded) continue;
		const value = counts[t - 1]!;
		if (!Number.isFinite(value)) continue;
		ws.time[n] = t;
		ws.level[n] = ws.factor[t]!;
		ws.y[n] = value;
		n++;
	}
	return { n, time: ws.time, level: ws.level, y: ws.y };
}

/**
 * The design: intercept, the time trend centred on the reference periods' mean (for a well-conditioned
 * system; fits and tests do not change), and one indicator per seasonal level but the lowest (R's
 * treatment contrasts). Also the row x0 for the evaluated period (level noPeriods).
 */
function buildDesign(ref: Reference, k: number, trend: boolean, o: FarringtonOptions, ws: Workspace): Design {
	const n = ref.n;
	// Levels in increasing order, the lowest the reference (R's factor levels of numeric codes).
	const index = ws.levelIndex;
	index.fill(-1);
	if (o.noPeriods !== 1) for (let i = 0; i < n; i++) index[ref.level[i]!] = 0;
	let levels = 0;
	for (let l = 0; l < index.length; l++) if (index[l] === 0) index[l] = levels++;
	levels = Math.max(1, levels);
	const level = ws.designLevel;
	for (let i = 0; i < n; i++) level[i] = o.noPeriods === 1 ? 0 : index[ref.level[i]!]!;
	let centre = 0;
	for (let i = 0; i < n; i++) centre += ref.time[i]!;
	centre /= n;
	if (trend) for (let i = 0; i < n; i++) ws.centred[i] = ref.time[i]! - centre;
	const design: Design = { n, time: trend ? ws.centred.subarray(0, n) : null, level, levels };
	const x0 = ws.x0;
	x0.fill(0);
	x0[0] = 1;
	if (trend) x0[1] = k - centre;
	const now = o.noPeriods === 1 ? -1 : index[o.noPeriods]!;
	if (now > 0) x0[(trend ? 1 : 0) + now] = 1;
	return design;
}

type Model = {
	fit: QuasiPoissonFit;
	design: Design;
	trend: boolean;
	phi: number;
	/** The dispersion `predict.glm` and the trend's t test see (see fitModel). */
	summaryDispersion: number;
	downweighted: number;
};

/**
 * R's `algo.farrington.fitGLM.flexible`: fit, fall back without trend if not converged, reweight.
 * The model lives in the workspace: fitting another one overwrites it.
 */
function fitModel(
	ref: Reference,
	k: number,
	trend: boolean,
	o: FarringtonOptions,
	ws: Workspace
): Model | null {
	let design = buildDesign(ref, k, trend, o, ws);
	let fit = fitQuasiPoisson(design, ref.y, null, ws.fit);
	let withTrend = trend;
	if ((!fit || !fit.converged) && trend) {
		withTrend = false;
		design = buildDesign(ref, k, false, o, ws);
		fit = fitQuasiPoisson(design, ref.y, null, ws.fit);
	}
	if (!fit || !fit.converged) return null;
	let phi = Math.max(dispersion(fit), 1);
	let summaryDispersion = dispersion(fit);
	let downweighted = 0;
	if (o.reweight) {
		// Anscombe residuals of the first fit, standardised (Farrington et al. 1996, §3.3).
		const { h, s, omega } = ws;
		hatValues(fit, design, h);
		const n = ref.n;
		let denominator = 0;
		for (let i = 0; i < n; i++) {
			const y = ref.y[i]!;
			const mu = fit.mu[i]!;
			s[i] = (1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu))) / Math.sqrt(phi * (1 - h[i]!));
			if (s[i]! > o.weightsThreshold) {
				denominator += s[i]! ** -2;
				downweighted++;
			} else denominator += 1;
		}
		const gamma = n / denominator;
		for (let i = 0; i < n; i++) omega[i] = s[i]! > o.weightsThreshold ? gamma * s[i]! ** -2 : gamma;
		// R does not check this refit's convergence either.
		fit = fitQuasiPoisson(design, ref.y, omega, ws.fit);
		if (!fit) return null;
		phi = Math.max(dispersion(fit), 1);
		// R then stores the prior weights ω in `model$weights`, where summary.glm and predict.glm
		// read the working weights: the prediction's standard error and the trend's t test use
		// Σ ωᵢ rᵢ² / df (working residuals, without the μᵢ factor of the Pearson estimate). Kept
		// as R computes it, since the thresholds must be R's; φ itself is the proper estimate.
		let sum = 0;
		for (let i = 0; i < n; i++) sum += omega[i]! * fit.workingResiduals[i]! ** 2;
		summaryDispersion = sum / fit.dfResidual;
	}
	return { fit, design, trend: withTrend, phi, summaryDispersion, downweighted };
}

/** The log link's inverse as R's `make.link('log')$linkinv`: exp floored at machine ε. */
const responseMean = (eta: number) => Math.max(Math.exp(eta), 2.220446049250313e-16);

/** Link-scale prediction and its standard error with R's unclamped dispersion (`predict.glm`). */
function predictLink(model: Model, x0: Float64Array): { eta: number; se: number } {
	let eta = 0;
	for (let a = 0; a < model.fit.p; a++) eta += x0[a]! * model.fit.coefficients[a]!;
	return { eta, se: Math.sqrt(quadraticForm(model.fit, x0) * model.summaryDispersion) };
}

type Threshold = { lower: number; upper: number; pvalue: number; score: number; expected: number };

/** R's `algo.farrington.threshold.farrington`, on the response scale. */
function deltaThreshold(mu0: number, seMu0: number, phi: number, y: number, o: FarringtonOptions): Threshold {
	const tau = phi + seMu0 ** 2 / mu0;
	const [se, exponent] =
		o.powertrans === '2/3'
			? [Math.sqrt((4 / 9) * mu0 ** (1 / 3) * tau), 2 / 3]
			: o.powertrans === '1/2'
				? [Math.sqrt(tau / 4), 1 / 2]
				: [Math.sqrt(mu0 * tau), 1];
	const z = normalQuantile(1 - o.alpha);
	const centre = mu0 ** exponent;
	const upper = (centre + z * se) ** (1 / exponent);
	const lowBase = centre - z * se;
	const lower = exponent === 1 ? Math.max(0, lowBase) : lowBase < 0 ? 0 : lowBase ** (1 / exponent);
	return {
		lower,
		upper,
		pvalue: normalUpper((y ** exponent - centre) / se),
		score: (y - mu0) / (upper - mu0),
		expected: mu0
	};
}

/** R's `algo.farrington.threshold.noufaily` ("nbPlugin" and "muan"), from the link scale. */
function noufailyThreshold(
	eta0: number,
	seEta0: number,
	phi: number,
	y: number,
	o: FarringtonOptions
): Threshold {
	const mu =
		o.thresholdMethod === 'nbPlugin' ? Math.exp(eta0) : Math.exp(eta0 + normalQuantile(1 - o.alpha) * seEta0);
	const expected = Math.exp(eta0);
	if (mu === Infinity) return { lower: NaN, upper: NaN, pvalue: NaN, score: NaN, expected };
	let lower: number;
	let upper: number;
	if (phi > 1) {
		const size = mu / (phi - 1);
		lower = negativeBinomialQuantile(o.alpha, size, 1 / phi);
		upper = negativeBinomialQuantile(1 - o.alpha, size, 1 / phi);
	} else {
		lower = poissonQuantile(o.alpha, mu);
		upper = poissonQuantile(1 - o.alpha, mu);
	}
	const pvalue =
		phi !== 1 ? 1 - negativeBinomialCdf(y - 1, mu / (phi - 1), 1 / phi) : 1 - poissonCdf(y - 1, mu);
	// R computes the score against the link-scale prediction here.
	return { lower: Math.max(0, lower), upper, pvalue, score: (y - eta0) / (upper - eta0), expected };
}

/**
 * Evaluates the LAST period of `counts` (oldest first, `monthIndexOfFirst` the first period's month
 * index, year × 12 + month − 1). Null when there is not enough history (freq × b + w + 1 periods),
 * when the last count is missing, or when the model does not converge with or without trend (R
 * gives NA then).
 */
export function farringtonFlexible(
	counts: ArrayLike<number>,
	monthIndexOfFirst: number,
	options: Partial<FarringtonOptions> = {}
): FarringtonResult | null {
	const o: FarringtonOptions = {
		...MONTHLY_DEFAULTS,
		...options,
		pastWeeksNotIncluded: options.pastWeeksNotIncluded ?? options.w ?? MONTHLY_DEFAULTS.w
	};
	const n = counts.length;
	const k = n;
	if (k < o.freq * o.b + o.w + 1) return null;
	const observed = counts[k - 1]!;
	if (!Number.isFinite(observed)) return null;
	const ws = workspace(n, o.noPeriods);
	const ref = referenceData(counts, k, o, ws);
	if (ref.n === 0) return null;

	let model = fitModel(ref, k, o.trend, o, ws);
	if (!model) return null;
	let trendUsed = false;
	if (model.trend) {
		const { eta } = predictLink(model, ws.x0);
		const v = model.fit.covarianceUnscaled;
		const slope = model.fit.coefficients[1]!;
		const t = slope / Math.sqrt(v[model.fit.p + 1]! * model.summaryDispersion);
		const significant = tTwoSided(t, model.fit.dfResidual) < o.pThresholdTrend;
		let maxResponse = -Infinity;
		for (let i = 0; i < ref.n; i++) maxResponse = Math.max(maxResponse, ref.y[i]!);
		trendUsed = o.b >= 3 && significant && responseMean(eta) <= maxResponse;
		if (!trendUsed) {
			model = fitModel(ref, k, false, o, ws);
			if (!model) return null;
		}
	}
	const trendCoefficient = trendUsed ? model.fit.coefficients[1]! : null;

	const { eta, se } = predictLink(model, ws.x0);
	const threshold =
		o.thresholdMethod === 'delta'
			? deltaThreshold(responseMean(eta), se * responseMean(eta), model.phi, observed, o)
			: noufailyThreshold(eta, se, model.phi, observed, o);

	const enoughCases = limit54Met(counts, o.limit54);
	return {
		monthIndex: monthIndexOfFirst + n - 1,
		observed,
		expected: threshold.expected,
		upperbound: threshold.upper,
		lowerbound: threshold.lower,
		enoughCases,
		alarm: enoughCases && threshold.score > 1 && observed !== 0,
		score: threshold.score,
		pvalue: threshold.pvalue,
		trendUsed,
		trendCoefficient,
		phi: model.phi,
		downweighted: model.downweighted,
		referencePeriods: ref.n
	};
}

/**
 * Whether the last limit54[1] periods hold at least limit54[0] cases (a missing one: no). Without
 * it neither R nor `anomalyRule` can alert, so a caller that only wants alerts may skip the model.
 */
export function limit54Met(
	counts: ArrayLike<number>,
	limit54: readonly [number, number] = MONTHLY_DEFAULTS.limit54
): boolean {
	const n = counts.length;
	if (n < limit54[1]) return false;
	let recent = 0;
	for (let t = n - limit54[1]; t < n; t++) recent += counts[t]!;
	return recent >= limit54[0];
}

/**
 * The anomaly rule: a month's count strictly above Farrington's upper bound, with at least 5 cases
 * in the last 4 months (limit54). Null without 5 years and 4 months of history or without a model.
 */
export function anomalyRule(
	monthly: ArrayLike<number>,
	firstMonthIndex: number,
	options: Partial<FarringtonOptions> = {}
): RuleResult | null {
	const result = farringtonFlexible(monthly, firstMonthIndex, options);
	if (!result) return null;
	return {
		rule: 'anomaly',
		current: result.observed,
		baseline: result.expected,
		threshold: result.upperbound,
		alert: result.enoughCases && result.observed > result.upperbound
	};
}
