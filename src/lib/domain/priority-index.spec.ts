import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	breakdown,
	MIN_COVERAGE,
	normaliseIndicators,
	percentileRanks,
	priorityScores,
	rankIntervals,
	underReportingFlags,
	type Indicator
} from './priority-index';

const indicators: Indicator[] = [
	{ id: 'rate:homicide', kind: 'rate', values: [10, 40, 20, null] },
	{ id: 'low-trust', kind: 'scale-low', values: [null, 4, 1, 3] },
	{ id: 'no-dialogue', kind: 'share', values: [1, 0, 1, 0.8] }
];

describe('normalisation', () => {
	it('maps rates to percentile ranks with ties at their mean rank, ignoring nulls', () => {
		expect(percentileRanks([5, null, 1, 5, 3])).toEqual([2.5 / 3, null, 0, 2.5 / 3, 1 / 3]);
		expect(percentileRanks([7])).toEqual([0.5]);
		expect(percentileRanks([null, null])).toEqual([null, null]);
	});

	it('turns a 1–5 scale into 0–1 where low trust is 1, and keeps shares', () => {
		const data = normaliseIndicators(indicators, 4);
		const row = (i: number) => Array.from(data.matrix.subarray(i * 3, i * 3 + 3));
		expect(row(0)).toEqual([0, NaN, 1]);
		expect(row(1)).toEqual([1, 0.25, 0]);
		expect(row(2)).toEqual([0.5, 1, 1]);
		expect(row(3)).toEqual([NaN, 0.5, 0.8]);
	});

	it('refuses an indicator of the wrong length', () => {
		expect(() => normaliseIndicators([{ id: 'x', kind: 'share', values: [1] }], 2)).toThrow(/x has 1 values/);
	});
});

describe('scores and ranks', () => {
	const data = normaliseIndicators(indicators, 4);
	const weights = { 'rate:homicide': 2, 'low-trust': 1, 'no-dialogue': 1 };

	it('is the weighted mean over the indicators a municipality has data for', () => {
		const { score, coverage, rank } = priorityScores(data, weights);
		// Municipality 0 has no trust estimate: its weights are renormalised over the other two.
		expect(score[0]).toBeCloseTo((2 * 0 + 1 * 1) / 3, 12);
		expect(coverage[0]).toBeCloseTo(3 / 4, 12);
		expect(score[1]).toBeCloseTo((2 * 1 + 0.25 + 0) / 4, 12);
		expect(score[2]).toBeCloseTo((2 * 0.5 + 1 + 1) / 4, 12);
		// Municipality 3 has no homicide rate: data for 2 of 4, exactly half, leaves it unranked.
		expect(coverage[3]).toBeCloseTo(1 / 2, 12);
		expect(score[3]).toBeNaN();
		expect(Array.from(rank)).toEqual([3, 2, 1, 0]);
	});

	it('leaves a municipality unranked when it has data for no weighted indicator', () => {
		const { score, rank } = priorityScores(data, { 'low-trust': 1 });
		expect(score[0]).toBeNaN();
		expect(rank[0]).toBe(0);
		expect(
			Array.from(rank)
				.filter((r) => r > 0)
				.sort()
		).toEqual([1, 2, 3]);
	});

	// Slider weights: off, or between 0.01 and 10.
	const weight = fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true }));

	it('ranks a municipality only with data for more than half of the weight', () => {
		// Municipality 0 lacks trust: data for 2 of 4, exactly half, is not enough.
		const half = priorityScores(data, { 'rate:homicide': 1, 'low-trust': 2, 'no-dialogue': 1 });
		expect(half.coverage[0]).toBeCloseTo(0.5, 12);
		expect(half.score[0]).toBeNaN();
		expect(half.rank[0]).toBe(0);
		// Data for 2 of 3.9 (a hair above half) ranks it.
		const above = priorityScores(data, { 'rate:homicide': 1, 'low-trust': 1.9, 'no-dialogue': 1 });
		expect(above.coverage[0]).toBeGreaterThan(MIN_COVERAGE);
		expect(above.score[0]).toBeCloseTo(0.5, 12);
		expect(above.rank[0]).toBeGreaterThan(0);
		const skewed = priorityScores(data, { 'rate:homicide': 1, 'low-trust': 3, 'no-dialogue': 1 });
		expect(skewed.score[0]).toBeNaN();
		expect(skewed.rank[0]).toBe(0);
	});

	it('does not rank on "no dialogue" alone when two indicators weigh alike (issue #15)', () => {
		// Landmines and no dialogue at 1 each: a municipality without a landmine rate has data for
		// exactly half of the weight, "no dialogue", and is left unranked; those with both are ranked.
		const set = normaliseIndicators(
			[
				{ id: 'rate:landmines', kind: 'rate', values: [3, null, 0.5, null, 1] },
				{ id: 'no-dialogue', kind: 'share', values: [1, 1, 0, 1, 1] }
			],
			5
		);
		const weights = { 'rate:landmines': 1, 'no-dialogue': 1 };
		const { score, coverage, rank } = priorityScores(set, weights);
		expect(Array.from(coverage)).toEqual([1, 0.5, 1, 0.5, 1]);
		expect(score[1]).toBeNaN();
		expect(score[3]).toBeNaN();
		expect(Array.from(rank)).toEqual([1, 0, 3, 0, 2]);
		expect(breakdown(set, weights, 1).map((p) => p.normalised)).toEqual([null, 1]);
		// Their rank intervals stay empty too, although ±20 % weights tip some draws above half.
		const { best, worst } = rankIntervals(set, weights);
		expect([best[1], worst[1], best[3], worst[3]]).toEqual([0, 0, 0, 0]);
		expect(Array.from(best)).toEqual([1, 0, 3, 0, 2]);
		expect(Array.from(worst)).toEqual([1, 0, 3, 0, 2]);
	});

	it('explains every score: the contributions add up to it (property)', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.tuple(fc.option(fc.double({ min: 0, max: 500, noNaN: true })), fc.integer({ min: 1, max: 5 })),
					{
						minLength: 2,
						maxLength: 40
					}
				),
				weight,
				weight,
				(rows, w1, w2) => {
					const set = normaliseIndicators(
						[
							{ id: 'a', kind: 'rate', values: rows.map((r) => r[0]) },
							{ id: 'b', kind: 'scale-low', values: rows.map((r) => r[1]) }
						],
						rows.length
					);
					const weights = { a: w1, b: w2 };
					const { score, coverage } = priorityScores(set, weights);
					rows.forEach((_, i) => {
						const parts = breakdown(set, weights, i);
						const sum = parts.reduce((s, p) => s + p.contribution, 0);
						// Unranked: too little data (the breakdown still shows what there is).
						if (Number.isNaN(score[i]!)) expect(coverage[i]).toBeLessThanOrEqual(MIN_COVERAGE + 1e-9);
						else {
							expect(coverage[i]).toBeGreaterThan(MIN_COVERAGE);
							expect(sum).toBeCloseTo(score[i]!, 10);
						}
					});
				}
			)
		);
	});

	it('ranks the same whatever the scale of the weights', () => {
		const a = priorityScores(data, weights).rank;
		const b = priorityScores(data, { 'rate:homicide': 20, 'low-trust': 10, 'no-dialogue': 10 }).rank;
		expect(Array.from(b)).toEqual(Array.from(a));
	});
});

describe('rank intervals under ±20 % weights', () => {
	it('contains the rank at the given weights and is reproducible from its seed', () => {
		const values = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 200) / 2);
		const set = normaliseIndicators(
			[
				{ id: 'a', kind: 'rate', values },
				{ id: 'b', kind: 'rate', values: values.map((v, i) => (i % 3 === 0 ? 100 - v : v)) }
			],
			200
		);
		const weights = { a: 1, b: 1 };
		const { rank } = priorityScores(set, weights);
		const one = rankIntervals(set, weights, { seed: 7 });
		const two = rankIntervals(set, weights, { seed: 7 });
		expect(Array.from(one.best)).toEqual(Array.from(two.best));
		for (let i = 0; i < 200; i++) {
			expect(one.best[i]).toBeLessThanOrEqual(rank[i]!);
			expect(one.worst[i]).toBeGreaterThanOrEqual(rank[i]!);
		}
		// Some ranks do move when the weights move, or the interval would be pointless.
		expect(Array.from(one.worst).some((w, i) => w > one.best[i]!)).toBe(true);
	});

	it('is a single rank when only one indicator carries weight', () => {
		const set = normaliseIndicators([{ id: 'a', kind: 'rate', values: [3, 1, 2] }], 3);
		const { best, worst } = rankIntervals(set, { a: 1 });
		expect(Array.from(best)).toEqual([1, 3, 2]);
		expect(Array.from(worst)).toEqual([1, 3, 2]);
	});
});

describe('under-reporting lens', () => {
	it('flags few reports with low trust in the police or the prosecutors, and nothing without a trust estimate', () => {
		const rates = [0, 1, 2, 50, 60, 70, 0, null];
		const police = [2.1, 4, 2.5, 1.5, null, null, null, 1];
		const prosecutors = [4, 2.9, 4, null, null, null, null, 1];
		expect(underReportingFlags(rates, police, prosecutors)).toEqual([
			true, // lowest rates, police 2.1
			true, // prosecutors 2.9
			false, // rate rank above the lowest third
			false, // high rate: a low count is not the question
			false,
			false,
			false, // no trust estimate: no flag, not "safe" either
			false // no rate
		]);
	});
});
