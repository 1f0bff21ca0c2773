import { describe, expect, it } from 'vitest';
import { globalEmpiricalBayes, localEmpiricalBayes } from '../rates';
import { publishedRate, publishedSmoothedRates, type PublishedArea } from './rates';

const areas: PublishedArea[] = [
	{ count: 40, small: false, population: 100_000 },
	{ count: null, small: true, population: 3_000 },
	{ count: 0, small: false, population: 5_000 },
	{ count: null, small: false, population: 8_000 }
];

describe('rates from published counts', () => {
	it('divides the published count and suppresses the rate of a small one', () => {
		expect(publishedRate(areas[0]!)).toBe(40);
		expect(publishedRate(areas[1]!)).toBeNull();
	});

	it('smooths with the small range’s midpoint for a suppressed area, and gives it no rate', () => {
		const smoothed = publishedSmoothedRates(areas, 'global', [], 5.5);
		const expected = globalEmpiricalBayes([
			{ count: 40, population: 100_000 },
			{ count: 5.5, population: 3_000 },
			{ count: 0, population: 5_000 }
		]);
		expect(smoothed[0]).toBeCloseTo(expected[0]!, 12);
		expect(smoothed[1]).toBeNull();
		expect(smoothed[2]).toBeCloseTo(expected[2]!, 12);
		expect(smoothed[3]).toBeNull();
	});

	it('borrows from a suppressed neighbour only what is public: the midpoint', () => {
		const neighbours = [[1, 2], [0], [0], []];
		const smoothed = publishedSmoothedRates(areas, 'local', neighbours, 5.5);
		const expected = localEmpiricalBayes(
			[
				{ count: 40, population: 100_000 },
				{ count: 5.5, population: 3_000 },
				{ count: 0, population: 5_000 }
			],
			[[1, 2], [0], [0]]
		);
		expect(smoothed[0]).toBeCloseTo(expected[0]!, 12);
		expect(smoothed[2]).toBeCloseTo(expected[2]!, 12);
		expect(smoothed[1]).toBeNull();
	});
});
