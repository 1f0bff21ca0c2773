import { describe, expect, it } from 'vitest';
import { addBase, countBlock, emptyBase, exactBlock, NO_DATA, SMALL, trueBlock } from './blocks';
import { AreaLayout, PeriodGrid } from './grid';
import { createPTable } from './ptable';

const areas = new AreaLayout(['05001', '05120', '52001']);
const grid = new PeriodGrid(2024, 1, ['month', 'quarter', 'year']);
const table = createPTable();

/** Medellín: 30 a month; Cáceres: 2 in January only; Pasto: not in the sources. */
function base() {
	const b = emptyBase(3, 12);
	for (let t = 0; t < 12; t++) {
		b.totals[t] = 30;
		b.keys[t] = (t * 37) & 255;
	}
	b.totals[12] = 2;
	b.keys[12] = 200;
	b.covered[0] = 1;
	b.covered[1] = 1;
	return b;
}

describe('a block of published counts', () => {
	const values = countBlock(base(), areas, grid, table);
	const at = (level: 'municipality' | 'department' | 'nation', code: string, period: string) =>
		values[areas.indexOf(level, code) * grid.size + grid.indexOf(period)]!;

	it('hides small counts, publishes zeros and marks areas without data', () => {
		expect(at('municipality', '05120', '2024-01')).toBe(SMALL);
		expect(at('municipality', '05120', '2024-Q1')).toBe(SMALL);
		expect(at('municipality', '05120', '2024-02')).toBe(0);
		expect(at('municipality', '52001', '2024')).toBe(NO_DATA);
		expect(at('department', '52', '2024')).toBe(NO_DATA);
	});

	it('perturbs every count of 11 or more on its own, totals included, within ±5', () => {
		const truth = trueBlock(base(), areas, grid);
		for (let i = 0; i < values.length; i++) {
			if (values[i]! < 0 || truth[i] === 0) continue;
			expect(Math.abs(values[i]! - truth[i]!)).toBeLessThanOrEqual(5);
			expect(values[i]).toBeGreaterThanOrEqual(11);
		}
		// The department (Medellín + Cáceres) is a cell of its own: 362 true in the year.
		expect(Math.abs(at('department', '05', '2024') - 362)).toBeLessThanOrEqual(5);
		// Some published totals are not the sum of their published months: no relation is exact.
		const quarters = ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4'];
		const months = (q: number) => [1, 2, 3].map((m) => `2024-${String(3 * q + m).padStart(2, '0')}`);
		const exact = quarters.filter(
			(q, i) =>
				months(i).reduce((s, m) => s + at('municipality', '05001', m), 0) === at('municipality', '05001', q)
		);
		expect(exact.length).toBeLessThan(quarters.length);
	});

	it('is the same block from the same reports', () => {
		expect(countBlock(base(), areas, grid, table)).toEqual(values);
	});

	it('adds categories into the group, keys modulo 256', () => {
		const group = emptyBase(3, 24);
		addBase(group, base(), 12);
		expect(group.totals[12]).toBe(30);
		expect(group.totals[0]).toBe(0);
		expect(group.covered[1]).toBe(1);
		addBase(group, base(), 12);
		expect(group.keys[24 + 12]).toBe((200 + 200) & 255);
	});
});

describe('a block of hectares', () => {
	it('is exact', () => {
		const b = emptyBase(3, 12);
		b.totals[0] = 7943.2;
		b.totals[1] = 0.1;
		b.totals[2] = 0.2;
		b.covered[0] = 1;
		const values = exactBlock(b, areas, grid);
		expect(values[0]).toBe(7943.2);
		expect(values[areas.indexOf('nation', 'CO') * grid.size + grid.indexOf('2024-Q1')]).toBe(7943.5);
		expect(Number.isNaN(values[areas.indexOf('municipality', '52001') * grid.size])).toBe(true);
	});
});
