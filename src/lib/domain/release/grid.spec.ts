import { describe, expect, it } from 'vitest';
import { AreaLayout, parsePeriodId, periodIdOf, PeriodGrid } from './grid';

describe('the period grid of a block', () => {
	const grid = new PeriodGrid(2023, 2, ['month', 'quarter', 'year']);

	it('lays out months, then quarters, then years, and finds each by its id', () => {
		expect(grid.size).toBe(24 + 8 + 2);
		expect(grid.indexOf('2023-01')).toBe(0);
		expect(grid.indexOf('2024-12')).toBe(23);
		expect(grid.indexOf('2023-Q1')).toBe(24);
		expect(grid.indexOf('2024-Q4')).toBe(31);
		expect(grid.indexOf('2024')).toBe(33);
		expect(grid.indexOf('2025')).toBe(-1);
		expect(grid.indexOf('2023-02-01')).toBe(-1);
		for (const p of grid.periods()) expect(grid.indexOf(p.id)).toBe(p.index);
		expect(grid.periodAt(28)).toEqual({ grain: 'quarter', id: '2024-Q1', start: 12, months: 3 });
	});

	it('leaves out the grains a table does not publish', () => {
		const coarse = new PeriodGrid(2023, 2, ['quarter', 'year']);
		expect(coarse.size).toBe(10);
		expect(coarse.indexOf('2023-05')).toBe(-1);
		expect(coarse.indexOf('2023-Q2')).toBe(1);
	});

	it('names the grid cell of a span of months, and nothing else', () => {
		const m = (y: number, mo: number) => y * 12 + mo - 1;
		expect(periodIdOf(m(2024, 5), m(2024, 5))).toBe('2024-05');
		expect(periodIdOf(m(2024, 4), m(2024, 6))).toBe('2024-Q2');
		expect(periodIdOf(m(2024, 1), m(2024, 12))).toBe('2024');
		expect(periodIdOf(m(2024, 2), m(2024, 4))).toBeNull();
		expect(parsePeriodId('2024-Q3')).toEqual({ grain: 'quarter', year: 2024, part: 2 });
	});
});

describe('the areas of a block', () => {
	const areas = new AreaLayout(['05001', '05120', '52001', '52835']);

	it('lists municipalities, their departments (first two digits) and the nation', () => {
		expect(areas.size).toBe(4 + 2 + 1);
		expect(areas.departments).toEqual(['05', '52']);
		expect([...areas.departmentIndex]).toEqual([0, 0, 1, 1]);
		expect(areas.indexOf('department', '52')).toBe(5);
		expect(areas.indexOf('nation', 'CO')).toBe(6);
		expect(areas.areaAt(5)).toEqual({ level: 'department', code: '52' });
		expect(areas.indexOf('municipality', '99999')).toBe(-1);
	});

	it('leaves out the levels a table does not publish', () => {
		const coarse = new AreaLayout(['05001', '52001'], ['department', 'nation']);
		expect(coarse.size).toBe(3);
		expect(coarse.indexOf('municipality', '05001')).toBe(-1);
		expect(coarse.areaAt(0)).toEqual({ level: 'department', code: '05' });
	});
});
