/**
 * The few distribution functions the Farrington method needs (farrington.ts), hand-written so the
 * domain stays free of a numeric library: the normal quantile (Wichura's AS 241, which R's `qnorm`
 * implements), normal, Student t, Poisson and negative binomial tails through the regularized
 * incomplete gamma and beta functions (Numerical Recipes' series and continued fractions, to
 * ~1e-14), and discrete quantiles found by search as R's `qpois` / `qnbinom` do.
 */

const EPS = 2.220446049250313e-16;

/**
 * log Γ(x) for x > 0: Stirling's series to the x⁻¹³ term (Bernoulli numbers B₂ … B₁₄) for x ≥ 10,
 * error below 1e-16 there, shifted up by Γ(x + 1) = x Γ(x) below 10.
 */
export function logGamma(x: number): number {
	let shift = 0;
	let product = 1;
	while (x + shift < 10) product *= x + shift++;
	const z = x + shift;
	const r = 1 / (z * z);
	const series =
		(1 / 12 +
			r * (-1 / 360 + r * (1 / 1260 + r * (-1 / 1680 + r * (1 / 1188 + r * (-691 / 360360 + r / 156)))))) /
		z;
	return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - Math.log(product);
}

/** Regularized lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
	if (x <= 0) return 0;
	if (x < a + 1) return gammaSeries(a, x);
	return 1 - gammaFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), without the cancellation. */
export function gammaQ(a: number, x: number): number {
	if (x <= 0) return 1;
	if (x < a + 1) return 1 - gammaSeries(a, x);
	return gammaFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
	let term = 1 / a;
	let sum = term;
	for (let n = 1; n < 10_000; n++) {
		term *= x / (a + n);
		sum += term;
		if (Math.abs(term) < Math.abs(sum) * EPS) break;
	}
	return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by Lentz's continued fraction (x ≥ a + 1). */
function gammaFraction(a: number, x: number): number {
	const tiny = 1e-300;
	let b = x + 1 - a;
	let c = 1 / tiny;
	let d = 1 / b;
	let h = d;
	for (let i = 1; i < 10_000; i++) {
		const an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (Math.abs(d) < tiny) d = tiny;
		c = b + an / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const delta = d * c;
		h *= delta;
		if (Math.abs(delta - 1) < EPS) break;
	}
	return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized incomplete beta I_x(a, b). */
export function betaI(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
	// The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
	if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
	return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
	const tiny = 1e-300;
	const qab = a + b;
	const qap = a + 1;
	const qam = a - 1;
	let c = 1;
	let d = 1 - (qab * x) / qap;
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m < 10_000; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const delta = d * c;
		h *= delta;
		if (Math.abs(delta - 1) < EPS) break;
	}
	return h;
}

/** P(Z > z) for the standard normal, through Q(1/2, z²/2) (no cancellation in either tail). */
export function normalUpper(z: number): number {
	const half = 0.5 * gammaQ(0.5, (z * z) / 2);
	return z >= 0 ? half : 1 - half;
}

/** The standard normal quantile, Wichura (1988) AS 241 PPND16, as R's `qnorm`. */
export function normalQuantile(p: number): number {
	if (!(p > 0 && p < 1)) {
		if (p === 0) return -Infinity;
		if (p === 1) return Infinity;
		return NaN;
	}
	const q = p - 0.5;
	if (Math.abs(q) <= 0.425) {
		const r = 0.180625 - q * q;
		return (
			(q *
				(((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) *
					r +
					13731.69376550946) *
					r +
					1971.5909503065513) *
					r +
					133.14166789178438) *
					r +
					3.3871328727963665)) /
			(((((((r * 5226.495278852546 + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) *
				r +
				5394.196021424751) *
				r +
				687.1870074920579) *
				r +
				42.31333070160091) *
				r +
				1)
		);
	}
	let r = q < 0 ? p : 1 - p;
	r = Math.sqrt(-Math.log(r));
	let value: number;
	if (r <= 5) {
		r -= 1.6;
		value =
			(((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r +
				1.2704582524523684) *
				r +
				3.6478483247632045) *
				r +
				5.769497221460691) *
				r +
				4.630337846156546) *
				r +
				1.4234371107496835) /
			(((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r +
				0.14810397642748008) *
				r +
				0.6897673349851) *
				r +
				1.6763848301838038) *
				r +
				2.053191626637759) *
				r +
				1);
	} else {
		r -= 5;
		value =
			(((((((r * 2.0103343992922881e-7 + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
				0.026532189526576124) *
				r +
				0.29656057182850487) *
				r +
				1.7848265399172913) *
				r +
				5.463784911164114) *
				r +
				6.657904643501103) /
			(((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
				0.0007868691311456133) *
				r +
				0.014875361290850615) *
				r +
				0.1369298809227358) *
				r +
				0.599832206555888) *
				r +
				1);
	}
	return q < 0 ? -value : value;
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom: 2 P(T > |t|), as `2 * pt(-|t|, df)`. */
export function tTwoSided(t: number, df: number): number {
	if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
	return betaI(df / (df + t * t), df / 2, 0.5);
}

/** P(Y ≤ k) for Y ~ Poisson(λ). */
export function poissonCdf(k: number, lambda: number): number {
	if (k < 0) return 0;
	return gammaQ(Math.floor(k) + 1, lambda);
}

/**
 * P(Y ≤ k) for the negative binomial of R's (size, prob) parametrisation: Y failures before the
 * size-th success, mean size (1 − prob) / prob.
 */
export function negativeBinomialCdf(k: number, size: number, prob: number): number {
	if (k < 0) return 0;
	return betaI(prob, size, Math.floor(k) + 1);
}

/**
 * The smallest k ≥ 0 with cdf(k) ≥ p, searched from a normal approximation of the mean and sd, with
 * R's fuzz (p × (1 − 64 ε)) so that a p hit exactly is not missed by rounding.
 */
function discreteQuantile(p: number, mean: number, sd: number, cdf: (k: number) => number): number {
	if (!(p >= 0 && p <= 1)) return NaN;
	if (p === 1) return Infinity;
	const target = p * (1 - 64 * EPS);
	let k = Math.max(0, Math.floor(mean + normalQuantile(Math.min(Math.max(p, 1e-12), 1 - 1e-12)) * sd));
	if (cdf(k) >= target) {
		while (k > 0 && cdf(k - 1) >= target) k--;
	} else {
		do k++;
		while (cdf(k) < target);
	}
	return k;
}

/** R's `qpois(p, lambda)`. */
export function poissonQuantile(p: number, lambda: number): number {
	if (lambda === 0) return 0;
	return discreteQuantile(p, lambda, Math.sqrt(lambda), (k) => poissonCdf(k, lambda));
}

/** R's `qnbinom(p, size, prob)`. */
export function negativeBinomialQuantile(p: number, size: number, prob: number): number {
	const mean = (size * (1 - prob)) / prob;
	return discreteQuantile(p, mean, Math.sqrt(mean / prob), (k) => negativeBinomialCdf(k, size, prob));
}
