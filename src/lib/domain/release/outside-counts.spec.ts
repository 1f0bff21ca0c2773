import { describe, expect, it } from 'vitest';
import { monthIndex } from '../monthly-cube';
import { NO_DATA, SMALL, WITHHELD } from './blocks';
import { AreaLayout, PeriodGrid, PERIOD_GRAINS, type AreaLevel } from './grid';
import { coveringPeriods, publishedMunicipalityCount, type PublishedBlock } from './outside-counts';

const codes = ['52001', '52835', '19318'];

/** A block of 2022 whose every cell of municipality `m` holds `cell(m, period id)`. */
function block(
	cell: (m: number, id: string) => number,
	table = 'issues',
	levels: readonly AreaLevel[] = ['municipality']
) {
	const grid = new PeriodGrid(2022, 1, PERIOD_GRAINS);
	const areas = new AreaLayout(codes, levels);
	const values = new Int32Array(areas.size * grid.size);
	for (let m = 0; m < areas.count('municipality') && areas.has('municipality'); m++) {
		for (const p of grid.periods()) values[m * grid.size + p.index] = cell(m, p.id);
	}
	return { table, grid, areas, values } satisfies PublishedBlock;
}

describe('the counts a provider may know outside its jurisdiction', () => {
	it('covers months with the coarsest whole periods of the grid', () => {
		expect(coveringPeriods(monthIndex('2022-01'), monthIndex('2022-12'))).toEqual(['2022']);
		expect(coveringPeriods(monthIndex('2021-11'), monthIndex('2023-04'))).toEqual([
			'2021-11',
			'2021-12',
			'2022',
			'2023-Q1',
			'2023-04'
		]);
	});

	it('adds published cells, counts a suppressed one as the midpoint and a period outside the grid as 0', () => {
		const b = block((m, id) => (m === 0 ? (id === '2022-Q1' ? SMALL : 20) : 0));
		// 2021-12 (outside the grid: 0) + 2022-Q1 (1–10: 5.5) + 2022-04 (20)
		expect(publishedMunicipalityCount([b], '52001', monthIndex('2021-12'), monthIndex('2022-04'), 5.5)).toBe(
			25.5
		);
		expect(
			publishedMunicipalityCount([b, undefined], '52001', monthIndex('2022-01'), monthIndex('2022-12'), 5.5)
		).toBe(20);
	});

	it('gives no value without data, for unknown codes and for categories without municipal cells', () => {
		const b = block((m) => (m === 2 ? NO_DATA : 3));
		expect(
			publishedMunicipalityCount([b], '19318', monthIndex('2022-01'), monthIndex('2022-12'), 5.5)
		).toBeNull();
		expect(
			publishedMunicipalityCount([b], '99999', monthIndex('2022-01'), monthIndex('2022-12'), 5.5)
		).toBeNull();
		const sensitive = block(() => 40, 'sensitive', ['department']);
		expect(
			publishedMunicipalityCount([b, sensitive], '52001', monthIndex('2022-01'), monthIndex('2022-12'), 5.5)
		).toBeNull();
	});
});

describe('a withheld cell outside the jurisdiction', () => {
	it('counts as its published parts one grain finer, never as its true value', () => {
		// 2022 withheld: its quarters 12 + 1–10 (5.5) + withheld (its months: 20 + 0 + "—" as 5.5) + 30.
		const b = block((m, id) => {
			if (m !== 0) return 0;
			if (id === '2022' || id === '2022-Q3' || id === '2022-09') return WITHHELD;
			if (id === '2022-Q1') return 12;
			if (id === '2022-Q2') return SMALL;
			if (id === '2022-07') return 20;
			if (id === '2022-Q4') return 30;
			return 0;
		});
		const year = publishedMunicipalityCount([b], '52001', monthIndex('2022-01'), monthIndex('2022-12'), 5.5);
		expect(year).toBe(12 + 5.5 + (20 + 0 + 5.5) + 30);
		// Asked by quarter, the same rule: Q3 alone is its months.
		expect(publishedMunicipalityCount([b], '52001', monthIndex('2022-07'), monthIndex('2022-09'), 5.5)).toBe(
			25.5
		);
	});
});
