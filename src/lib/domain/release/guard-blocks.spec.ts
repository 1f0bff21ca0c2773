import { describe, expect, it } from 'vitest';
import { SMALL, WITHHELD } from './blocks';
import { AreaLayout, PeriodGrid, PERIOD_GRAINS } from './grid';
import { guardBlocks, type BlocksGuardReport, type GuardedBlock } from './guard-blocks';

const rules = { smallCell: { min: 1, max: 10 }, maxAbs: 5, group: 'all-non-sensitive' };

function run(blocks: GuardedBlock[], minWidth = 1): BlocksGuardReport {
	const steps = guardBlocks(blocks, rules, { minWidth, withheldLow: 1 });
	let step = steps.next();
	while (!step.done) step = steps.next();
	return step.value;
}

/**
 * Sixteen municipalities of one department, each with one landmine victim in 2024 (month i mod
 * 12): every municipal, departmental and quarterly cell is "1–10", but the department's and the
 * nation's year (16) are published as 11, so 11–16; sixteen municipal years of at least 1 make
 * 16, and every one of them is pinned at 1.
 */
function landmines(): GuardedBlock {
	const codes = Array.from({ length: 16 }, (_, i) => `05${String(i + 1).padStart(3, '0')}`);
	const areas = new AreaLayout(codes);
	const grid = new PeriodGrid(2024, 1, PERIOD_GRAINS);
	const values = new Int32Array(areas.size * grid.size);
	for (let i = 0; i < codes.length; i++) {
		const month = i % 12;
		const row = areas.index('municipality', i) * grid.size;
		values[row + grid.index('month', month)] = SMALL;
		values[row + grid.index('quarter', Math.floor(month / 3))] = SMALL;
		values[row + grid.index('year', 0)] = SMALL;
	}
	for (const level of ['department', 'nation'] as const) {
		const row = areas.index(level, 0) * grid.size;
		for (let m = 0; m < 12; m++) values[row + grid.index('month', m)] = SMALL;
		for (let q = 0; q < 4; q++) values[row + grid.index('quarter', q)] = SMALL;
		values[row + grid.index('year', 0)] = 11;
	}
	return { table: 'issues', category: 'landmines', grid, areas, values };
}

describe('the guard over release blocks', () => {
	it('finds the pinned municipal years and withholds the department’s and the nation’s year', () => {
		const block = landmines();
		const before = Int32Array.from(block.values);
		const report = run([block]);
		expect(report.pinnedBefore).toBeGreaterThanOrEqual(16);
		expect(report.withheldSmall).toBe(0);
		const year = (level: 'department' | 'nation') =>
			block.values[block.areas.index(level, 0) * block.grid.size + block.grid.index('year', 0)];
		expect(year('department')).toBe(WITHHELD);
		expect(year('nation')).toBe(WITHHELD);
		const changed = [...block.values.keys()].filter((i) => block.values[i] !== before[i]);
		expect(changed).toHaveLength(report.withheldPublished);
		// Guarded once, nothing is narrow any more.
		expect(run([block]).narrowBefore).toBe(0);
	});

	it('leaves a release where nothing is narrow as it is', () => {
		const block = landmines();
		for (const level of ['department', 'nation'] as const) {
			block.values[block.areas.index(level, 0) * block.grid.size + block.grid.index('year', 0)] = 30;
		}
		const before = Int32Array.from(block.values);
		const report = run([block], 2);
		expect(report).toMatchObject({ narrowBefore: 0, withheldPublished: 0, withheldSmall: 0 });
		expect(block.values).toEqual(before);
	});

	it('links each category to the group: a group published low pins its categories', () => {
		// Sixteen categories of one municipality's January, each "1–10"; their group published 11
		// (so 11–16): sixteen parts of at least 1 make 16, and each is pinned at 1.
		const areas = new AreaLayout(['05001']);
		const grid = new PeriodGrid(2024, 1, PERIOD_GRAINS);
		const make = (category: string, value: number): GuardedBlock => {
			const values = new Int32Array(areas.size * grid.size);
			for (const level of ['municipality', 'department', 'nation'] as const) {
				const row = areas.index(level, 0) * grid.size;
				for (const p of ['month', 'quarter', 'year'] as const) values[row + grid.index(p, 0)] = value;
			}
			return { table: 'issues', category, grid, areas, values };
		};
		const members = Array.from({ length: 16 }, (_, i) => make(`c${i}`, SMALL));
		const group = make(rules.group, 11);
		const report = run([...members, group]);
		expect(report.pinnedBefore).toBeGreaterThan(0);
		expect(group.values[grid.index('month', 0)]).toBe(WITHHELD);
		expect(run([...members, group]).narrowBefore).toBe(0);
	});
});
