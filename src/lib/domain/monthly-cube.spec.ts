import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MonthlyCube, monthIndex, monthLabel } from './monthly-cube';

describe('MonthlyCube', () => {
	it('sums any period and categories as a plain loop would', () => {
		const entry = fc.record({
			category: fc.constantFrom('a', 'b', 'c'),
			municipality: fc.integer({ min: 0, max: 4 }),
			month: fc.integer({ min: 2000 * 12, max: 2000 * 12 + 40 }),
			count: fc.integer({ min: 0, max: 50 })
		});
		fc.assert(
			fc.property(
				fc.array(entry, { maxLength: 60 }),
				fc.subarray(['a', 'b', 'c']),
				fc.integer({ min: 2000 * 12 - 3, max: 2000 * 12 + 45 }),
				fc.integer({ min: 0, max: 30 }),
				(entries, categories, from, length) => {
					const cube = new MonthlyCube(5, entries);
					const to = from + length;
					const expected = new Array(5).fill(0);
					for (const e of entries) {
						if (categories.includes(e.category) && e.month >= from && e.month <= to)
							expected[e.municipality] += e.count;
					}
					expect(Array.from(cube.sum(categories, from, to))).toEqual(expected);
					expect(expected.map((_, m) => cube.sumOne(categories, m, from, to))).toEqual(expected);
				}
			)
		);
	});

	it('gives monthly series and extents', () => {
		const m = monthIndex('2019-03');
		const cube = new MonthlyCube(2, [
			{ category: 'homicide', municipality: 1, month: m, count: 4 },
			{ category: 'homicide', municipality: 1, month: m + 2, count: 1 }
		]);
		expect(Array.from(cube.monthly(['homicide'], 1, m - 1, m + 2))).toEqual([0, 4, 0, 1]);
		expect(cube.extent('homicide')).toEqual({ first: m, last: m + 2 });
		expect(monthLabel(m)).toBe('2019-03');
		expect(() => monthIndex('2019-13')).toThrow(RangeError);
	});
});
