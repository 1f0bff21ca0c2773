import { describe, expect, it } from 'vitest';
import { meanInterval, pairedTTest, shrinkTowards, wilsonInterval } from './survey-estimates';

/**
 * A small fixed case computed by hand, independently of the code under test (the t quantile from
 * tables, the p-value by numerical integration of the t density in a separate Python script):
 *   answers 2, 3, 4, 4, 5: mean 3.6, s = √1.3 = 1.140175, t(0.975, 4) = 2.776445,
 *     half-width 2.776445 × 1.140175 / √5 = 1.415715 → [2.184285, 5.015715];
 *   8 trusting of 10: Wilson 95 % [0.490162, 0.943317];
 *   before 3 3 4 2 5, after 4 3 5 3 5: differences 1 0 1 1 0, mean 0.6, s = √0.3,
 *     t = 0.6 / (√0.3 / √5) = 2.449490, df 4, two-sided p = 0.070484 (not significant at 5 %).
 */
describe('panel estimates', () => {
	it('gives the mean with its 95 % t interval', () => {
		const interval = meanInterval([2, 3, 4, 4, 5])!;
		expect(interval.estimate).toBeCloseTo(3.6, 10);
		expect(interval.low).toBeCloseTo(2.184285, 5);
		expect(interval.high).toBeCloseTo(5.015715, 5);
		expect(meanInterval([4])).toBeNull();
	});

	it('gives the share trusting with a Wilson interval that stays inside 0–1', () => {
		const interval = wilsonInterval(8, 10)!;
		expect(interval.estimate).toBe(0.8);
		expect(interval.low).toBeCloseTo(0.490162, 5);
		expect(interval.high).toBeCloseTo(0.943317, 5);
		const all = wilsonInterval(10, 10)!;
		expect(all.high).toBeCloseTo(1, 12);
		expect(all.low).toBeGreaterThan(0.65);
		expect(wilsonInterval(0, 0)).toBeNull();
	});

	it('tests the change of the same respondents between two waves', () => {
		const test = pairedTTest([
			[3, 4],
			[3, 3],
			[4, 5],
			[2, 3],
			[5, 5]
		])!;
		expect(test.meanDifference).toBeCloseTo(0.6, 10);
		expect(test.t).toBeCloseTo(2.44949, 4);
		expect(test.p).toBeCloseTo(0.070484, 4);
		expect(test.significant).toBe(false);

		// Ten respondents who all lose two points: a significant drop.
		const drop = pairedTTest(
			Array.from({ length: 10 }, (_, i) => [4 + (i % 2), 2 + (i % 2) - (i === 0 ? 1 : 0)] as const)
		)!;
		expect(drop.meanDifference).toBeLessThan(-2);
		expect(drop.significant).toBe(true);
	});

	it('shrinks a small panel towards the department mean, less as answers grow', () => {
		expect(shrinkTowards(4, 10, 3)).toBe(3.5);
		expect(shrinkTowards(4, 40, 3)).toBeCloseTo(3.8, 10);
	});
});
