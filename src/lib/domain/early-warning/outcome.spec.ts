import { describe, expect, it } from 'vitest';
import { comparableOf, diffInDiff } from './outcome';

describe('difference in differences after a response', () => {
	const place = { code: 'A', before: [10, 12, 14], after: [6, 8] };
	const others = [
		{ code: 'B', before: [11, 11, 11], after: [10, 12] },
		{ code: 'C', before: [13, 13, 13], after: [12, 12] },
		{ code: 'D', before: [10, 12, 12], after: [12, 13] },
		{ code: 'E', before: [100, 90, 95], after: [50, 50] }
	];

	it('compares with the municipalities closest in level before', () => {
		// D (mean 11⅓) is closest; B and C tie at 1 and go by code; E is far.
		expect(comparableOf(place, others, 3).map((c) => c.code)).toEqual(['D', 'B', 'C']);
	});

	it('gives the place change minus the comparisons’ mean change, with a t interval', () => {
		const result = diffInDiff(place, comparableOf(place, others, 3))!;
		// Reference (R): d <- c(0, -1, 12.5 - 34/3); e <- (7 - 12) - mean(d);
		// h <- qt(0.975, 2) * sd(d) * sqrt(1 + 1/3); c(mean(d), e, e - h, e + h)
		expect(result.placeChange).toBeCloseTo(-5, 12);
		expect(result.comparisonChange).toBeCloseTo(0.0555555555555554, 9);
		expect(result.estimate).toBeCloseTo(-5.0555555555555554, 9);
		expect(result.low).toBeCloseTo(-10.4431593028058298, 6);
		expect(result.high).toBeCloseTo(0.3320481916947191, 6);
		expect(result.comparisons).toBe(3);
	});

	it('says nothing with fewer than two comparisons or no months after', () => {
		expect(diffInDiff(place, others.slice(0, 1))).toBeNull();
		expect(diffInDiff({ ...place, after: [] }, others)).toBeNull();
	});
});
