/**
 * A quasi-Poisson generalised linear model with log link, fitted by iteratively reweighted least
 * squares exactly as R's `glm.fit` does it (McCullagh & Nelder 1989, §2.5): the same start
 * (μ = y + 0.1), the same convergence test (|dev − dev_old| / (|dev| + 0.1) < 1e-8, at most 25
 * iterations), μ floored at machine ε, and R's choice of which iteration's working weights the
 * fitted object keeps. Small and specialised to the Farrington design — an intercept, an optional
 * time trend and one seasonal factor, about 60 periods — so each iteration builds Xᵀ W X from
 * per-level sums in O(n) and solves it by Cholesky; callers centre the time so the system is well
 * conditioned (fits and tests do not change).
 *
 * A fit writes into a `QuasiPoissonFit` that can be reused: the alert service runs one to four fits
 * for each of ~18,000 series, and allocating the arrays anew each time cost about a third of it.
 */

const EPS = 2.220446049250313e-16;
const LOG_EPS = Math.log(EPS);

/**
 * X = [1, time, indicators of levels 1 … levels − 1] (treatment contrasts, level 0 the reference):
 * `time` null for a model without trend, `level[i]` in 0 … levels − 1.
 */
export type Design = { n: number; time: Float64Array | null; level: Int32Array; levels: number };

/** The number of coefficients. */
export function columns(design: Design): number {
	return (design.time ? 2 : 1) + design.levels - 1;
}

/** The result of a fit (arrays sized to a capacity; entries 0 … n − 1 and p × p are meaningful). */
export class QuasiPoissonFit {
	n = 0;
	p = 0;
	converged = false;
	iterations = 0;
	dfResidual = 0;
	coefficients: Float64Array;
	/** Fitted means μ and linear predictors η. */
	mu: Float64Array;
	eta: Float64Array;
	/** R's `fit$weights`: the working weights prior × μ of the last iteration's start. */
	workingWeights: Float64Array;
	/** R's `fit$residuals`: working residuals (y − μ) / μ with the final μ. */
	workingResiduals: Float64Array;
	/** (Xᵀ W X)⁻¹ with the working weights above, row-major p × p (R's `covmat.unscaled`). */
	covarianceUnscaled: Float64Array;
	// Scratch: y log y, the normal equations, per-level sums of w, w t, w t², w z, w t z.
	readonly yLogY: Float64Array;
	readonly normal: Float64Array;
	readonly sums: Float64Array;
	readonly column: Float64Array;
	readonly capacity: number;
	readonly maxColumns: number;

	constructor(capacity: number, maxColumns: number) {
		this.capacity = capacity;
		this.maxColumns = maxColumns;
		this.coefficients = new Float64Array(maxColumns);
		this.mu = new Float64Array(capacity);
		this.eta = new Float64Array(capacity);
		this.workingWeights = new Float64Array(capacity);
		this.workingResiduals = new Float64Array(capacity);
		this.covarianceUnscaled = new Float64Array(maxColumns * maxColumns);
		this.yLogY = new Float64Array(capacity);
		this.normal = new Float64Array(maxColumns * maxColumns);
		this.sums = new Float64Array(5 * maxColumns);
		this.column = new Float64Array(maxColumns);
	}

	fits(n: number, p: number): boolean {
		return n <= this.capacity && p <= this.maxColumns;
	}
}

/**
 * Solves the symmetric positive-definite system in place by Cholesky (A is overwritten by its
 * factor). False when A is numerically singular (a column aliased).
 */
function choleskyInPlace(a: Float64Array, p: number): boolean {
	for (let j = 0; j < p; j++) {
		let diag = a[j * p + j]!;
		for (let k = 0; k < j; k++) diag -= a[j * p + k]! ** 2;
		// R's QR declares a column aliased below a relative tolerance; mirror the idea.
		if (!(diag > 1e-14 * Math.abs(a[j * p + j]!))) return false;
		const l = Math.sqrt(diag);
		a[j * p + j] = l;
		for (let i = j + 1; i < p; i++) {
			let s = a[i * p + j]!;
			for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
			a[i * p + j] = s / l;
		}
	}
	return true;
}

function choleskySolve(l: Float64Array, p: number, r: Float64Array): void {
	for (let i = 0; i < p; i++) {
		let s = r[i]!;
		for (let k = 0; k < i; k++) s -= l[i * p + k]! * r[k]!;
		r[i] = s / l[i * p + i]!;
	}
	for (let i = p - 1; i >= 0; i--) {
		let s = r[i]!;
		for (let k = i + 1; k < p; k++) s -= l[k * p + i]! * r[k]!;
		r[i] = s / l[i * p + i]!;
	}
}

/**
 * Σ 2 wᵢ (yᵢ log(yᵢ/μᵢ) − (yᵢ − μᵢ)), R's poisson()$dev.resids summed, with yᵢ log yᵢ precomputed
 * and log μᵢ = ηᵢ unless μᵢ was floored at ε.
 */
function poissonDeviance(
	fit: QuasiPoissonFit,
	y: ArrayLike<number>,
	weights: ArrayLike<number> | null
): number {
	const { n, mu, eta, yLogY } = fit;
	let dev = 0;
	for (let i = 0; i < n; i++) {
		const yi = y[i]!;
		const mi = mu[i]!;
		const logMu = mi === EPS ? LOG_EPS : eta[i]!;
		dev += 2 * (weights ? weights[i]! : 1) * (yi > 0 ? yLogY[i]! - yi * logMu - (yi - mi) : mi);
	}
	return dev;
}

/**
 * Xᵀ W X and Xᵀ W z of the design from per-level sums (5 per level: Σ w, Σ w t, Σ w t², Σ w z,
 * Σ w t z), both triangles.
 */
function assembleNormalEquations(
	design: Design,
	p: number,
	sums: Float64Array,
	normal: Float64Array,
	rhs: Float64Array
): void {
	const { time, levels } = design;
	const base = time ? 1 : 0;
	normal.fill(0, 0, p * p);
	rhs.fill(0, 0, p);
	for (let g = 0; g < levels; g++) {
		const s = 5 * g;
		normal[0] = normal[0]! + sums[s]!;
		rhs[0] = rhs[0]! + sums[s + 3]!;
		if (time) {
			normal[1] = normal[1]! + sums[s + 1]!;
			normal[p + 1] = normal[p + 1]! + sums[s + 2]!;
			rhs[1] = rhs[1]! + sums[s + 4]!;
		}
		if (g === 0) continue;
		const c = base + g;
		normal[c] = sums[s]!;
		normal[c * p + c] = sums[s]!;
		rhs[c] = sums[s + 3]!;
		if (time) normal[p + c] = sums[s + 1]!;
	}
	for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) normal[a * p + b] = normal[b * p + a]!;
}

/** Adds row i's working weight wi and wi zᵢ (as wz) to the per-level sums. */
function accumulate(design: Design, sums: Float64Array, i: number, wi: number, wz: number): void {
	const g = 5 * design.level[i]!;
	sums[g] = sums[g]! + wi;
	sums[g + 3] = sums[g + 3]! + wz;
	if (design.time) {
		const t = design.time[i]!;
		sums[g + 1] = sums[g + 1]! + wi * t;
		sums[g + 2] = sums[g + 2]! + wi * t * t;
		sums[g + 4] = sums[g + 4]! + wz * t;
	}
}

/**
 * Fits log E[y] = X β with variance φ μ into `fit` (a new one when it is too small or absent).
 * Null when Xᵀ W X is singular (R would alias a column; the Farrington designs never are unless a
 * seasonal level has no data left) or the deviance overflows.
 */
export function fitQuasiPoisson(
	design: Design,
	y: ArrayLike<number>,
	priorWeights: ArrayLike<number> | null = null,
	reuse?: QuasiPoissonFit
): QuasiPoissonFit | null {
	const { n, time, level, levels } = design;
	const p = columns(design);
	const fit = reuse?.fits(n, p) ? reuse : new QuasiPoissonFit(n, p);
	fit.n = n;
	fit.p = p;
	const { eta, mu, yLogY, normal, sums, coefficients: beta } = fit;
	const w = fit.workingWeights;
	const base = time ? 1 : 0; // column of level g ≥ 1: base + g
	let allZero = true;
	for (let i = 0; i < n; i++) {
		const yi = y[i]!;
		if (yi !== 0) allZero = false;
		yLogY[i] = yi > 0 ? yi * Math.log(yi) : 0;
		eta[i] = Math.log(yi + 0.1);
		mu[i] = Math.max(Math.exp(eta[i]!), EPS);
	}
	let devold = poissonDeviance(fit, y, priorWeights);
	fit.converged = false;
	fit.iterations = 0;
	for (let iter = 1; iter <= 25; iter++) {
		fit.iterations = iter;
		if (allZero) {
			// Without a single case the working response is η − 1 on a constant η, which the
			// intercept fits exactly: η falls by 1 per iteration until R's deviance test stops it
			// (about 24 iterations). Followed in closed form; Xᵀ W X is built once, below.
			const next = eta[0]! - 1;
			const nextMu = Math.max(Math.exp(next), EPS);
			for (let i = 0; i < n; i++) {
				w[i] = (priorWeights ? priorWeights[i]! : 1) * mu[i]!;
				eta[i] = next;
				mu[i] = nextMu;
			}
		} else {
			sums.fill(0, 0, 5 * levels);
			for (let i = 0; i < n; i++) {
				// For the log link dμ/dη = μ (floored as R's mu.eta) and the variance is μ, so the
				// working weight is prior × μ and w z = prior × (μ η + y − μ): no division.
				const m = mu[i]!;
				const prior = priorWeights ? priorWeights[i]! : 1;
				w[i] = prior * m;
				accumulate(design, sums, i, prior * m, prior * (m * eta[i]! + y[i]! - m));
			}
			assembleNormalEquations(design, p, sums, normal, beta);
			if (!choleskyInPlace(normal, p)) return null;
			choleskySolve(normal, p, beta);
			const slope = time ? beta[1]! : 0;
			for (let i = 0; i < n; i++) {
				const g = level[i]!;
				const e = beta[0]! + (time ? slope * time[i]! : 0) + (g > 0 ? beta[base + g]! : 0);
				eta[i] = e;
				mu[i] = Math.max(Math.exp(e), EPS);
			}
		}
		const dev = poissonDeviance(fit, y, priorWeights);
		if (!Number.isFinite(dev)) return null;
		if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < 1e-8) {
			fit.converged = true;
			break;
		}
		devold = dev;
	}
	if (allZero) {
		// The fit: the intercept η and every other coefficient 0, Xᵀ W X with the last working weights.
		sums.fill(0, 0, 5 * levels);
		for (let i = 0; i < n; i++) accumulate(design, sums, i, w[i]!, 0);
		assembleNormalEquations(design, p, sums, normal, beta);
		if (!choleskyInPlace(normal, p)) return null;
		beta.fill(0, 0, p);
		beta[0] = eta[0]!;
	}
	let used = 0;
	for (let i = 0; i < n; i++) {
		fit.workingResiduals[i] = (y[i]! - mu[i]!) / mu[i]!;
		if (!priorWeights || priorWeights[i] !== 0) used++;
	}
	fit.dfResidual = used - p;
	// (Xᵀ W X)⁻¹ column by column from the last iteration's factor.
	const column = fit.column;
	for (let j = 0; j < p; j++) {
		column.fill(0, 0, p);
		column[j] = 1;
		choleskySolve(normal, p, column);
		for (let i = 0; i < p; i++) fit.covarianceUnscaled[i * p + j] = column[i]!;
	}
	return fit;
}

/** R's Pearson-type estimate Σ wᵢ rᵢ² / df over the working weights and residuals (`summary.glm`). */
export function dispersion(fit: QuasiPoissonFit): number {
	let sum = 0;
	for (let i = 0; i < fit.n; i++) {
		const w = fit.workingWeights[i]!;
		if (w > 0) sum += w * fit.workingResiduals[i]! ** 2;
	}
	return sum / fit.dfResidual;
}

/**
 * Leverages hᵢ = wᵢ xᵢᵀ (Xᵀ W X)⁻¹ xᵢ into `h`, as R's `hatvalues` (values within 10 ε of 1 are
 * 1). Row i of X has at most three non-zero entries: 1, tᵢ and its level's indicator.
 */
export function hatValues(fit: QuasiPoissonFit, design: Design, h: Float64Array): void {
	const { p, covarianceUnscaled: v } = fit;
	const base = design.time ? 1 : 0;
	for (let i = 0; i < design.n; i++) {
		const t = design.time ? design.time[i]! : 0;
		const c = base + design.level[i]!;
		const hasLevel = design.level[i]! > 0;
		let q = v[0]!;
		if (design.time) q += 2 * t * v[1]! + t * t * v[p + 1]!;
		if (hasLevel) {
			q += 2 * v[c]! + v[c * p + c]!;
			if (design.time) q += 2 * t * v[p + c]!;
		}
		const hi = fit.workingWeights[i]! * q;
		h[i] = hi > 1 - 10 * EPS ? 1 : hi;
	}
}

/** x₀ᵀ V x₀ for a row x₀ and the unscaled covariance: the link-scale prediction variance over φ. */
export function quadraticForm(fit: QuasiPoissonFit, x0: ArrayLike<number>): number {
	const p = fit.p;
	let q = 0;
	for (let a = 0; a < p; a++) {
		if (x0[a] === 0) continue;
		for (let b = 0; b < p; b++) q += x0[a]! * fit.covarianceUnscaled[a * p + b]! * x0[b]!;
	}
	return q;
}
