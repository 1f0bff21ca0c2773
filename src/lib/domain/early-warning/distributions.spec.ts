import { describe, expect, it } from 'vitest';
import reference from '../../../../tests/farrington/distributions.expected.json';
import {
	logGamma,
	negativeBinomialCdf,
	negativeBinomialQuantile,
	normalQuantile,
	normalUpper,
	poissonCdf,
	poissonQuantile,
	tTwoSided
} from './distributions';

/** Within 1e-12 of R, relative (R's values come with 15 significant digits). */
function expectClose(actual: number, expected: number, what: string) {
	expect(Math.abs(actual - expected), `${what}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(
		1e-12 * Math.max(Math.abs(expected), 1e-300)
	);
}

describe(`distribution functions against ${reference.about}`, () => {
	it('normal quantile and upper tail', () => {
		for (const { p, value } of reference.qnorm) expectClose(normalQuantile(p), value, `qnorm(${p})`);
		for (const { z, value } of reference.pnormUpper) expectClose(normalUpper(z), value, `pnorm(${z}, upper)`);
	});

	it("Student t two-sided p-values (the trend's test)", () => {
		for (const { t, df, value } of reference.tTwoSided)
			expectClose(tTwoSided(t, df), value, `2 pt(-|${t}|, ${df})`);
	});

	it('Poisson and negative binomial quantiles equal, tails close', () => {
		for (const { p, lambda, value } of reference.qpois)
			expect(poissonQuantile(p, lambda), `qpois(${p}, ${lambda})`).toBe(value);
		for (const { p, size, prob, value } of reference.qnbinom)
			expect(negativeBinomialQuantile(p, size, prob), `qnbinom(${p}, ${size}, ${prob})`).toBe(value);
		for (const { k, lambda, value } of reference.ppois)
			expectClose(poissonCdf(k, lambda), value, `ppois(${k}, ${lambda})`);
		for (const { k, size, prob, value } of reference.pnbinom)
			expectClose(negativeBinomialCdf(k, size, prob), value, `pnbinom(${k}, ${size}, ${prob})`);
	});

	it('log gamma', () => {
		for (const { x, value } of reference.lgamma)
			expect(Math.abs(logGamma(x) - value), `lgamma(${x})`).toBeLessThanOrEqual(
				1e-13 * Math.max(1, Math.abs(value))
			);
	});
});
