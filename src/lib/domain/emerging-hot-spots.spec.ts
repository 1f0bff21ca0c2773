import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import reference from '../../../tests/ehsa/ehsa.expected.json';
import {
	EHSA_CATEGORIES,
	classifyEmergingPattern,
	emergingHotSpots,
	mannKendall,
	normalUpperTail,
	stepSeed,
	type StepClass
} from './emerging-hot-spots';
import { rowStandardisedWeights } from './spatial-autocorrelation';

/** Compares to R's value: 1e-9 absolute, or relative for large values. */
function expectClose(actual: number, expected: number | null, what: string) {
	if (expected === null) {
		expect(actual, what).toBeNaN();
		return;
	}
	expect(Math.abs(actual - expected), `${what}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(
		1e-9 * Math.max(1, Math.abs(expected))
	);
}

const w = rowStandardisedWeights(reference.neighbours, { includeSelf: true });

describe('against R (tests/ehsa/reference.R): spdep localG, p.adjust BH, cor.test kendall', () => {
	const result = emergingHotSpots(w, reference.series, {
		significance: { method: 'normal' },
		alpha: reference.alpha
	});

	it('gives localG’s z, the two-sided normal p and its BH adjustment in every step', () => {
		reference.series.forEach((_, t) => {
			const step = result.steps[t]!;
			reference.z[t]!.forEach((z, i) => expectClose(step.z[i]!, z, `z[${t}][${i}]`));
			reference.pBH[t]!.forEach((p, i) => expectClose(step.p[i]!, p, `pBH[${t}][${i}]`));
		});
	});

	it('gives cor.test’s S, tau, z and p for each location’s z series', () => {
		reference.trends.forEach((r, i) => {
			const trend = result.trends[i]!;
			expect(trend.s, `S[${i}]`).toBe(Math.round(r.s));
			expectClose(trend.tau, r.tau, `tau[${i}]`);
			expectClose(trend.z, r.z, `z[${i}]`);
			expectClose(trend.p, r.p, `p[${i}]`);
		});
	});

	it('corrects Var(S) for tied values as cor.test does', () => {
		for (const { values, trend } of reference.tied) {
			const mk = mannKendall(values);
			expect(mk.s).toBe(trend.s);
			expectClose(mk.tau, trend.tau, `tau of ${values}`);
			expectClose(mk.z, trend.z, `z of ${values}`);
			expectClose(mk.p, trend.p, `p of ${values}`);
		}
	});

	it('puts every location in the pattern R’s classification gives, and the panel shows all 17', () => {
		expect(result.categories).toEqual(reference.categories);
		expect(new Set(result.categories)).toEqual(new Set(EHSA_CATEGORIES));
	});
});

describe('the normal upper tail', () => {
	it('matches R’s pnorm(x, lower.tail = FALSE) on the tests’ z-values, in both tails', () => {
		reference.z.flat().forEach((z, k) => {
			const p = reference.p.flat()[k]!;
			expectClose(2 * normalUpperTail(Math.abs(z)), p, `2·P(Z > |${z}|)`);
		});
	});

	it('is 1/2 at 0, symmetric, and decreasing', () => {
		expect(normalUpperTail(0)).toBe(0.5);
		fc.assert(
			fc.property(
				fc.double({ min: -40, max: 40, noNaN: true }),
				fc.double({ min: 0.001, max: 3, noNaN: true }),
				(x, d) => {
					expect(Math.abs(normalUpperTail(x) + normalUpperTail(-x) - 1)).toBeLessThan(1e-15);
					expect(normalUpperTail(x + d)).toBeLessThanOrEqual(normalUpperTail(x));
				}
			)
		);
	});
});

describe('the 17 patterns', () => {
	const flat = { tau: 0, p: 1 };
	const up = { tau: 0.8, p: 0.001 };
	const down = { tau: -0.8, p: 0.001 };
	const h = 1 as const;
	const c = -1 as const;
	const o = 0 as const;
	const cases: [StepClass[], { tau: number; p: number }, string][] = [
		[[o, o, o, o, o, o, o, o, o, h], flat, 'new-hot-spot'],
		[[o, o, o, o, o, o, o, h, h, h], flat, 'consecutive-hot-spot'],
		[[o, h, h, h, h, h, h, h, h, h], up, 'intensifying-hot-spot'],
		[[o, h, h, h, h, h, h, h, h, h], flat, 'persistent-hot-spot'],
		[[h, h, h, h, h, h, h, h, h, h], down, 'diminishing-hot-spot'],
		[[o, h, o, o, h, o, o, o, o, h], flat, 'sporadic-hot-spot'],
		[[o, o, c, o, o, h, o, o, o, h], flat, 'oscillating-hot-spot'],
		[[h, h, h, h, h, h, h, h, h, o], down, 'historical-hot-spot'],
		[[o, o, o, o, o, o, o, o, o, c], flat, 'new-cold-spot'],
		[[o, o, o, o, o, o, o, o, c, c], flat, 'consecutive-cold-spot'],
		[[c, c, c, c, c, c, c, c, c, c], down, 'intensifying-cold-spot'],
		[[c, c, c, o, c, c, c, c, c, c], flat, 'persistent-cold-spot'],
		[[c, c, c, c, c, c, c, c, c, c], up, 'diminishing-cold-spot'],
		[[c, o, o, o, o, o, o, o, o, c], flat, 'sporadic-cold-spot'],
		[[h, o, o, o, o, o, o, o, c, c], flat, 'oscillating-cold-spot'],
		[[c, c, c, c, c, c, c, c, c, h], flat, 'historical-cold-spot'],
		[[o, o, o, h, h, h, o, o, o, o], up, 'no-pattern']
	];

	it.each(cases)('%j with trend %j is %s', (classes, trend, expected) => {
		expect(classifyEmergingPattern(classes, trend)).toBe(expected);
	});

	it('needs a run of two for consecutive and no earlier hot spot before it', () => {
		expect(classifyEmergingPattern([o, o, h, o, o, o, o, h, h, h], flat)).toBe('sporadic-hot-spot');
		expect(classifyEmergingPattern([o, o, o, o, o, o, o, o, o, h], up)).toBe('new-hot-spot');
	});

	it('counts 90 % as 9 of 10 steps, and 8 of 10 as fewer', () => {
		expect(classifyEmergingPattern([o, h, h, h, h, h, h, h, h, h], flat)).toBe('persistent-hot-spot');
		expect(classifyEmergingPattern([o, o, h, h, h, h, h, h, h, h], flat)).toBe('consecutive-hot-spot');
	});

	it('mirrors hot and cold', () => {
		fc.assert(
			fc.property(
				fc.array(fc.constantFrom<StepClass>(-1, 0, 1), { minLength: 1, maxLength: 24 }),
				fc.double({ min: -1, max: 1, noNaN: true }),
				fc.double({ min: 0, max: 1, noNaN: true }),
				(classes, tau, p) => {
					const hot = classifyEmergingPattern(classes, { tau, p });
					const cold = classifyEmergingPattern(
						classes.map((v) => -v as StepClass),
						{ tau: -tau, p }
					);
					expect(cold).toBe(hot.includes('hot') ? hot.replace('hot', 'cold') : hot.replace('cold', 'hot'));
				}
			)
		);
	});
});

describe('with conditional permutations', () => {
	const options = { significance: { method: 'permutation', permutations: 199, seed: 7 } } as const;

	it('is the same for the same seed, draws each step with its own seed, and keeps the z-values', () => {
		const a = emergingHotSpots(w, reference.series, options);
		const b = emergingHotSpots(w, reference.series, options);
		expect(a.categories).toEqual(b.categories);
		expect(Array.from(a.steps[3]!.p)).toEqual(Array.from(b.steps[3]!.p));
		expect(new Set(reference.series.map((_, t) => stepSeed(7, t))).size).toBe(reference.series.length);
		reference.z[0]!.forEach((z, i) => expectClose(a.steps[0]!.z[i]!, z, `z[0][${i}]`));
	});

	it('finds the designed patterns at the centres of the blocks', () => {
		const result = emergingHotSpots(w, reference.series, options);
		// Block b's centre cell is (row 3⌊b/4⌋ + 1, column 3(b mod 4) + 1) of the 12 × 12 lattice.
		const designed = ['new', 'consecutive', 'intensifying', null, 'diminishing', 'sporadic', 'oscillating'];
		designed.forEach((pattern, b) => {
			if (!pattern) return;
			const centre = (Math.floor(b / 4) * 3 + 1) * 12 + (b % 4) * 3 + 1;
			expect(result.categories[centre], `block ${b}`).toBe(`${pattern}-hot-spot`);
		});
	});

	it('finds nothing in a field without structure: a constant step is never significant', () => {
		const constant = reference.series.map((x) => x.map(() => 5));
		const result = emergingHotSpots(w, constant, options);
		expect(new Set(result.categories)).toEqual(new Set(['no-pattern']));
		expect(result.steps.every((s) => s.z.every((z) => z === 0))).toBe(true);
	});

	it('never calls a location without neighbours significant', () => {
		const island = rowStandardisedWeights([[1], [0], []], { includeSelf: true });
		const series = Array.from({ length: 6 }, (_, t) => [1 + t, 2, 50 + t]);
		const result = emergingHotSpots(island, series, { significance: { method: 'normal' } });
		expect(result.steps.every((s) => s.classes[2] === 0 && Number.isNaN(s.p[2]!))).toBe(true);
		expect(result.categories[2]).toBe('no-pattern');
	});
});
