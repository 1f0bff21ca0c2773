import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import reference from '../../../tests/spdep/lattice.expected.json';
import {
	benjaminiHochberg,
	cardinality,
	conditionalPermutationP,
	gStarClusters,
	localGStar,
	localMoran,
	moranClusters,
	rowStandardisedWeights,
	spatialLag
} from './spatial-autocorrelation';

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

const quadrantOf: Record<string, string> = {
	'High-High': 'high-high',
	'Low-Low': 'low-low',
	'High-Low': 'high-low',
	'Low-High': 'low-high'
};

describe('weights', () => {
	it('row-standardises, drops self-loops and duplicates, and keeps islands empty', () => {
		const w = rowStandardisedWeights([[1, 1, 2, 0], [0], [0], []]);
		expect(Array.from(w.offsets)).toEqual([0, 2, 3, 4, 4]);
		expect(Array.from(w.neighbours)).toEqual([1, 2, 0, 0]);
		expect(Array.from(w.weights)).toEqual([0.5, 0.5, 1, 1]);
		expect(cardinality(w, 3)).toBe(0);
		expect(Array.from(spatialLag(w, [1, 2, 4, 8]))).toEqual([3, 1, 1, 0]);
	});

	it('puts the area itself first when self is included, and an island is then its own neighbour', () => {
		const w = rowStandardisedWeights([[1], [0], []], { includeSelf: true });
		expect(Array.from(w.neighbours)).toEqual([0, 1, 1, 0, 2]);
		expect(Array.from(w.weights)).toEqual([0.5, 0.5, 0.5, 0.5, 1]);
		expect(cardinality(w, 2)).toBe(0);
	});

	it('rejects a neighbour that is not an area', () => {
		expect(() => rowStandardisedWeights([[1], [5]])).toThrow(/neighbour 5 of area 1/);
	});
});

describe('against R spdep 1.2-7 (tests/spdep/reference.R)', () => {
	const x = reference.x;
	const moran = localMoran(x, rowStandardisedWeights(reference.neighbours));
	const g = localGStar(x, rowStandardisedWeights(reference.neighbours, { includeSelf: true }));

	it('gives localmoran’s Ii, E.Ii, Var.Ii and Z.Ii for every area, the island included', () => {
		reference.expected.forEach((r, i) => {
			expectClose(moran.statistic[i]!, r.Ii, `Ii[${i}]`);
			expectClose(moran.expectation[i]!, r.E, `E.Ii[${i}]`);
			expectClose(moran.variance[i]!, r.Var, `Var.Ii[${i}]`);
			expectClose(moran.z[i]!, r.Z, `Z.Ii[${i}]`);
		});
	});

	it('gives localG’s G*i and its z-value with include.self', () => {
		reference.expected.forEach((r, i) => {
			expectClose(g.statistic[i]!, r.G, `G*i[${i}]`);
			expectClose(g.z[i]!, r.ZG, `localG[${i}]`);
		});
	});

	it('puts every significant area in spdep’s "pysal" quadrant', () => {
		const allSignificant = new Float64Array(x.length).fill(0.01);
		const island = reference.neighbours.findIndex((list) => list.length === 0);
		allSignificant[island] = NaN;
		const clusters = moranClusters(moran, allSignificant);
		reference.expected.forEach((r, i) => {
			if (i === island) expect(clusters[i]).toBe('no-neighbours');
			else expect(clusters[i], `area ${i}`).toBe(quadrantOf[r.quadrant]);
		});
	});

	it('adjusts p-values as p.adjust(p, "BH") does, leaving NA out', () => {
		const p = reference.bh.p.map((v) => v ?? NaN);
		const adjusted = benjaminiHochberg(p);
		reference.bh.adjusted.forEach((expected, i) => expectClose(adjusted[i]!, expected, `BH[${i}]`));
	});
});

describe('conditional permutation pseudo p-values', () => {
	const w = rowStandardisedWeights(reference.neighbours);
	const wSelf = rowStandardisedWeights(reference.neighbours, { includeSelf: true });
	const options = { permutations: 999, seed: 7 };

	it('are reproducible from the seed and change with it', () => {
		const a = conditionalPermutationP('moran', reference.x, w, options);
		const b = conditionalPermutationP('moran', reference.x, w, options);
		const c = conditionalPermutationP('moran', reference.x, w, { ...options, seed: 8 });
		expect(Array.from(a)).toEqual(Array.from(b));
		expect(Array.from(a)).not.toEqual(Array.from(c));
	});

	it('find the planted hot corner and nothing in a constant field', () => {
		const p = conditionalPermutationP('gstar', reference.x, wSelf, options);
		const g = localGStar(reference.x, wSelf);
		const clusters = gStarClusters(g, p);
		for (const corner of [0, 1, 6, 7]) expect(clusters[corner], `area ${corner}`).toBe('hot');
		expect(p[0]).toBe(1 / 1000);
		expect(clusters[36]).toBe('no-neighbours');

		const flat = new Array(reference.x.length).fill(5);
		const pFlat = conditionalPermutationP('gstar', flat, wSelf, options);
		expect(Array.from(pFlat).filter((v) => !Number.isNaN(v))).toEqual(new Array(36).fill(1));
	});

	it('lie in [1/(R+1), 1] and are NaN exactly for islands', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 37, maxLength: 37 }),
				fc.integer({ min: 0, max: 2 ** 31 }),
				(x, seed) => {
					for (const [kind, weights] of [
						['moran', w],
						['gstar', wSelf]
					] as const) {
						const p = conditionalPermutationP(kind, x, weights, { permutations: 99, seed });
						reference.neighbours.forEach((list, i) => {
							if (list.length === 0) expect(p[i]).toBeNaN();
							else {
								expect(p[i]).toBeGreaterThanOrEqual(1 / 100);
								expect(p[i]).toBeLessThanOrEqual(1);
							}
						});
					}
				}
			),
			{ numRuns: 40 }
		);
	});

	it('are the same for Moran and Gi* given the same draws: both are monotone in the neighbours’ sum', () => {
		const pm = conditionalPermutationP('moran', reference.x, w, options);
		const pg = conditionalPermutationP('gstar', reference.x, wSelf, options);
		for (let i = 0; i < 36; i++) expect(Math.abs(pm[i]! - pg[i]!), `area ${i}`).toBeLessThanOrEqual(1e-12);
	});

	it('never make a p-value smaller under Benjamini-Hochberg', () => {
		fc.assert(
			fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), (p) => {
				const adjusted = benjaminiHochberg(p);
				p.forEach((v, i) => {
					expect(adjusted[i]!).toBeGreaterThanOrEqual(v);
					expect(adjusted[i]!).toBeLessThanOrEqual(1);
				});
			})
		);
	});
});
