import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	classBounds,
	classify,
	classifyQuantiles,
	jenksBreaks,
	classOf,
	formatBound,
	formatClassLabels,
	quantileBreaks,
	roundSignificant
} from './classify';

describe('quantileBreaks', () => {
	it('interpolates between order statistics (type 7)', () => {
		// 0..100: the quartiles fall exactly on 25, 50, 75.
		const values = Array.from({ length: 101 }, (_, i) => i);
		expect(quantileBreaks(values, 4)).toEqual([25, 50, 75]);
		expect(quantileBreaks([1, 2, 3, 4], 2)).toEqual([2.5]);
	});

	it('ignores order and non-finite values', () => {
		expect(quantileBreaks([4, Number.NaN, 1, 3, Infinity, 2], 2)).toEqual([2.5]);
	});

	it('returns classes - 1 breaks, or none without data', () => {
		expect(quantileBreaks([5, 1, 9], 7)).toHaveLength(6);
		expect(quantileBreaks([], 7)).toEqual([]);
		expect(() => quantileBreaks([1], 0)).toThrow(RangeError);
	});
});

describe('roundSignificant', () => {
	it('keeps two significant digits at any magnitude', () => {
		expect(roundSignificant(16.84)).toBe(17);
		expect(roundSignificant(0.1234)).toBe(0.12);
		expect(roundSignificant(1284)).toBe(1300);
		expect(roundSignificant(0.3049)).toBe(0.3);
		expect(roundSignificant(0)).toBe(0);
	});
});

describe('classifyQuantiles', () => {
	it('makes 7 classes with rounded, ascending breaks', () => {
		const values = Array.from({ length: 700 }, (_, i) => (i + 1) * 1.37);
		const c = classifyQuantiles(values, 7);
		expect(c).not.toBeNull();
		expect(c!.classCount).toBe(7);
		expect(c!.breaks).toEqual([140, 270, 410, 550, 690, 820]);
		expect(c!.min).toBeCloseTo(1.37);
		expect(c!.max).toBeCloseTo(959);
	});

	it('puts about the same number of values in each class', () => {
		const values = Array.from({ length: 1122 }, (_, i) => Math.exp(i / 100));
		const c = classifyQuantiles(values, 7)!;
		const counts = new Array<number>(c.classCount).fill(0);
		for (const v of values) counts[classOf(v, c.breaks)]! += 1;
		for (const n of counts) expect(Math.abs(n - 1122 / 7)).toBeLessThan(12);
	});

	it('merges breaks that tie, rather than making empty classes', () => {
		const c = classifyQuantiles([1, 1, 1, 1, 1, 1, 1, 1, 2, 3], 7)!;
		expect(c.breaks).toEqual([1.7]);
		expect(c.classCount).toBe(2);
		expect(classifyQuantiles([4, 4, 4], 7)).toEqual({ breaks: [], min: 4, max: 4, classCount: 1 });
	});

	it('returns null without finite values', () => {
		expect(classifyQuantiles([], 7)).toBeNull();
		expect(classifyQuantiles([Number.NaN], 7)).toBeNull();
	});

	it('always yields strictly increasing breaks inside (min, max]', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 300 }),
				(values) => {
					const c = classifyQuantiles(values, 7)!;
					expect(c.classCount).toBe(c.breaks.length + 1);
					expect(c.classCount).toBeLessThanOrEqual(7);
					c.breaks.forEach((b, i) => {
						expect(b).toBeGreaterThan(i === 0 ? c.min : c.breaks[i - 1]!);
						expect(b).toBeLessThanOrEqual(c.max);
					});
					for (const v of values) expect(classOf(v, c.breaks)).toBeLessThan(c.classCount);
				}
			)
		);
	});
});

describe('classOf', () => {
	const breaks = [10, 20, 30];
	it('places values below, between and above the breaks', () => {
		expect(classOf(0, breaks)).toBe(0);
		expect(classOf(9.99, breaks)).toBe(0);
		expect(classOf(15, breaks)).toBe(1);
		expect(classOf(1e6, breaks)).toBe(3);
	});

	it('puts a value equal to a break in the class above', () => {
		expect(classOf(10, breaks)).toBe(1);
		expect(classOf(30, breaks)).toBe(3);
	});

	it('has a single class without breaks', () => {
		expect(classOf(42, [])).toBe(0);
	});
});

describe('classBounds', () => {
	it('runs from the minimum through each break to the maximum', () => {
		expect(classBounds({ breaks: [10, 20], min: 0.5, max: 99, classCount: 3 })).toEqual([
			[0.5, 10],
			[10, 20],
			[20, 99]
		]);
		expect(classBounds({ breaks: [], min: 4, max: 4, classCount: 1 })).toEqual([[4, 4]]);
	});
});

describe('formatting bounds', () => {
	it('uses the locale separators (es-CO: 1.234,5; en-US: 1,234.5)', () => {
		expect(formatBound(12345.6, 'es-CO')).toBe('12.346');
		expect(formatBound(12345.6, 'en-US')).toBe('12,346');
		expect(formatBound(8.66, 'es-CO')).toBe('8,7');
		expect(formatBound(8.66, 'en-US')).toBe('8.7');
	});

	it('shows more decimals for small values, none from 100 up', () => {
		expect(formatBound(0.127, 'en-US')).toBe('0.13');
		expect(formatBound(17, 'en-US')).toBe('17');
		expect(formatBound(140.4, 'en-US')).toBe('140');
	});

	it('labels each class as "lower – upper"', () => {
		const c = { breaks: [8.7, 1300], min: 0.127, max: 21473, classCount: 3 };
		expect(formatClassLabels(c, 'es-CO')).toEqual(['0,13 – 8,7', '8,7 – 1.300', '1.300 – 21.473']);
		expect(formatClassLabels(c, 'en-US')).toEqual(['0.13 – 8.7', '8.7 – 1,300', '1,300 – 21,473']);
	});
});

describe('Jenks natural breaks', () => {
	it('separates obvious clusters', () => {
		const values = [1, 2, 3, 50, 51, 52, 1000, 1001];
		expect(jenksBreaks(values, 3)).toEqual([50, 1000]);
	});

	it('minimises the within-class squared deviation: no other split of a small set does better', () => {
		const values = [4, 9, 10, 11, 25, 26, 40, 41, 43];
		const ssd = (xs: number[]) => {
			const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
			return xs.reduce((s, x) => s + (x - mean) ** 2, 0);
		};
		const cost = (breaks: number[]) => {
			const edges = [-Infinity, ...breaks, Infinity];
			return edges
				.slice(0, -1)
				.reduce((s, lo, i) => s + ssd(values.filter((v) => v >= lo && v < edges[i + 1]!)), 0);
		};
		const found = cost(jenksBreaks(values, 3));
		for (let a = 1; a < values.length; a++) {
			for (let b = a + 1; b < values.length; b++) {
				expect(found).toBeLessThanOrEqual(cost([values[a]!, values[b]!]) + 1e-9);
			}
		}
	});

	it('gives fewer classes than asked when there are fewer distinct values', () => {
		expect(jenksBreaks([5, 5, 5, 7], 4)).toEqual([7]);
		expect(classify([5, 5, 5], 'jenks')).toEqual({ breaks: [], min: 5, max: 5, classCount: 1 });
	});
});
