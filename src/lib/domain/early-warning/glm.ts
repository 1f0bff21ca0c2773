/**
 * A quasi-Poisson generalised linear model with log link, fitted by iteratively reweighted least
 * squares exactly as R's `glm.fit` does it (McCullagh & Nelder 1989, §2.5): the same start
 * (μ = y + 0.1), the same convergence test (|dev − dev_old| / (|dev| + 0.1) < 1e-8, at most 25
 * iterations), μ floored at machine ε, and R's choice of which iteration's working weights the
 * fitted object keeps. Small and dense: the Farrington method fits a handful of columns on about 60
 * periods, so the normal equations are solved by Cholesky; callers centre their numeric columns.
 */

const EPS = 2.220446049250313e-16;

export type QuasiPoissonFit = {
	converged: boolean;
	iterations: number;
	coefficients: Float64Array;
	/** Fitted means μ. */
	mu: Float64Array;
	/** R's `fit$weights`: the working weights prior × μ of the last iteration's start. */
	workingWeights: Float64Array;
	/** R's `fit$residuals`: working residuals (y − μ) / μ with the final μ. */
	workingResiduals: Float64Array;
	/** (Xᵀ W X)⁻¹ with the working weights above, row-major p × p (R's `covmat.unscaled`). */
	covarianceUnscaled: Float64Array;
	dfResidual: number;
};

/** Rows of X (row-major, n × p), observations y, optional prior weights. */
export type Design = { x: Float64Array; n: number; p: number };

function poissonDeviance(y: ArrayLike<number>, mu: Float64Array, weights: ArrayLike<number>): number {
	let dev = 0;
	for (let i = 0; i < mu.length; i++) {
		const yi = y[i]!;
		const mi = mu[i]!;
		dev += 2 * weights[i]! * (yi > 0 ? yi * Math.log(yi / mi) - (yi - mi) : mi);
	}
	return dev;
}

/**
 * Solves the symmetric positive-definite system A b = r in place by Cholesky (A is overwritten by
 * its factor, r by the solution). False when A is numerically singular (a column aliased).
 */
function choleskyInPlace(a: Float64Array, p: number): boolean {
	for (let j = 0; j < p; j++) {
		let diag = a[j * p + j]!;
		for (let k = 0; k < j; k++) diag -= a[j * p + k]! ** 2;
		// R's QR declares a column aliased below a relative tolerance of 1e-7; mirror the idea.
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

function choleskyInverse(l: Float64Array, p: number): Float64Array {
	const inverse = new Float64Array(p * p);
	const column = new Float64Array(p);
	for (let j = 0; j < p; j++) {
		column.fill(0);
		column[j] = 1;
		choleskySolve(l, p, column);
		for (let i = 0; i < p; i++) inverse[i * p + j] = column[i]!;
	}
	return inverse;
}

/**
 * Fits log E[y] = X β with variance φ μ. Null when Xᵀ W X is singular (R would alias a column; the
 * Farrington designs never are unless a seasonal level has no data left).
 */
export function fitQuasiPoisson(
	design: Design,
	y: ArrayLike<number>,
	priorWeights?: ArrayLike<number>
): QuasiPoissonFit | null {
	const { x, n, p } = design;
	const weights = priorWeights ?? new Float64Array(n).fill(1);
	const eta = new Float64Array(n);
	const mu = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		mu[i] = y[i]! + 0.1;
		eta[i] = Math.log(mu[i]!);
	}
	let devold = poissonDeviance(y, mu, weights);
	const w = new Float64Array(n);
	const xtwx = new Float64Array(p * p);
	const beta = new Float64Array(p);
	let converged = false;
	let iterations = 0;
	for (let iter = 1; iter <= 25; iter++) {
		iterations = iter;
		xtwx.fill(0);
		beta.fill(0);
		for (let i = 0; i < n; i++) {
			const muEta = Math.max(Math.exp(eta[i]!), EPS);
			const z = eta[i]! + (y[i]! - mu[i]!) / muEta;
			const wi = (weights[i]! * muEta * muEta) / mu[i]!;
			w[i] = wi;
			const row = i * p;
			for (let a = 0; a < p; a++) {
				const xa = x[row + a]!;
				if (xa === 0) continue;
				beta[a] = beta[a]! + wi * xa * z;
				for (let b = 0; b <= a; b++) xtwx[a * p + b] = xtwx[a * p + b]! + wi * xa * x[row + b]!;
			}
		}
		for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) xtwx[a * p + b] = xtwx[b * p + a]!;
		if (!choleskyInPlace(xtwx, p)) return null;
		choleskySolve(xtwx, p, beta);
		for (let i = 0; i < n; i++) {
			let e = 0;
			for (let a = 0; a < p; a++) e += x[i * p + a]! * beta[a]!;
			eta[i] = e;
			mu[i] = Math.max(Math.exp(e), EPS);
		}
		const dev = poissonDeviance(y, mu, weights);
		if (!Number.isFinite(dev)) return null;
		if (Math.abs(dev - devold) / (Math.abs(dev) + 0.1) < 1e-8) {
			converged = true;
			break;
		}
		devold = dev;
	}
	const residuals = new Float64Array(n);
	let used = 0;
	for (let i = 0; i < n; i++) {
		residuals[i] = (y[i]! - mu[i]!) / Math.max(Math.exp(eta[i]!), EPS);
		if (weights[i] !== 0) used++;
	}
	return {
		converged,
		iterations,
		coefficients: beta,
		mu,
		workingWeights: w,
		workingResiduals: residuals,
		covarianceUnscaled: choleskyInverse(xtwx, p),
		dfResidual: used - p
	};
}

/** R's Pearson-type estimate Σ wᵢ rᵢ² / df over the working weights and residuals (`summary.glm`). */
export function dispersion(fit: QuasiPoissonFit): number {
	let sum = 0;
	for (let i = 0; i < fit.mu.length; i++) {
		const w = fit.workingWeights[i]!;
		if (w > 0) sum += w * fit.workingResiduals[i]! ** 2;
	}
	return sum / fit.dfResidual;
}

/** Leverages hᵢ = wᵢ xᵢᵀ (Xᵀ W X)⁻¹ xᵢ, as R's `hatvalues` (values within 10 ε of 1 are 1). */
export function hatValues(fit: QuasiPoissonFit, design: Design): Float64Array {
	const { x, n, p } = design;
	const v = fit.covarianceUnscaled;
	const h = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let q = 0;
		for (let a = 0; a < p; a++) {
			const xa = x[i * p + a]!;
			if (xa === 0) continue;
			for (let b = 0; b < p; b++) q += xa * v[a * p + b]! * x[i * p + b]!;
		}
		const hi = fit.workingWeights[i]! * q;
		h[i] = hi > 1 - 10 * EPS ? 1 : hi;
	}
	return h;
}

/** x₀ᵀ V x₀ for a row x₀ and the unscaled covariance: the link-scale prediction variance over φ. */
export function quadraticForm(fit: QuasiPoissonFit, x0: ArrayLike<number>): number {
	const p = x0.length;
	let q = 0;
	for (let a = 0; a < p; a++)
		for (let b = 0; b < p; b++) q += x0[a]! * fit.covarianceUnscaled[a * p + b]! * x0[b]!;
	return q;
}
