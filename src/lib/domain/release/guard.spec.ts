import { describe, expect, it } from 'vitest';
import { guardSystem, propagate, type GuardSystem } from './guard';

/**
 * Hand-made systems: cells with what the public knows of them, and the relations between them.
 * `p` a published perturbed value (D = 5, never below 11), `s` "1–10", `z` a zero.
 */
type Cell = { id: string; kind: 'p' | 's' | 'z'; value?: number };

function system(
	cells: Cell[],
	relations: [string, string[]][]
): GuardSystem & { id: (name: string) => number } {
	const index = new Map(cells.map((c, i) => [c.id, i]));
	const id = (name: string) => index.get(name)!;
	const start: number[] = [];
	const list: number[] = [];
	for (const [total, parts] of relations) {
		start.push(list.length);
		list.push(id(total), ...parts.map(id));
	}
	start.push(list.length);
	return {
		id,
		size: cells.length,
		lo: Float64Array.from(cells, (c) =>
			c.kind === 'p' ? Math.max(11, c.value! - 5) : c.kind === 's' ? 1 : 0
		),
		hi: Float64Array.from(cells, (c) => (c.kind === 'p' ? c.value! + 5 : c.kind === 's' ? 10 : 0)),
		small: Uint8Array.from(cells, (c) => (c.kind === 's' ? 1 : 0)),
		published: Uint8Array.from(cells, (c) => (c.kind === 'p' ? 1 : 0)),
		start: Int32Array.from(start),
		cells: Int32Array.from(list)
	};
}

/** The intervals the public can work out once `withheld` are shown as "—" (known only to be ≥ 1). */
function after(s: GuardSystem, withheld: readonly number[]) {
	const lo = Float64Array.from(s.lo);
	const hi = Float64Array.from(s.hi);
	for (const c of withheld) {
		lo[c] = 1;
		hi[c] = Infinity;
	}
	return propagate(s, lo, hi);
}

/**
 * Antioquia, landmines, 1999 (issue 19): the year is published 12 (so 11–17) and Q3 11 (11–16);
 * the other quarters are "1–10" but their months of "1–10" (each ≥ 1) raise their lower bounds
 * to 2, 3 and 1. 11 + 2 + 3 + 1 = 17: the year is 17 and every small month is pinned at 1.
 */
function antioquia() {
	const months = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
	const small = new Set(['01', '02', '04', '05', '06', '10']);
	const cells: Cell[] = [
		{ id: 'Y', kind: 'p', value: 12 },
		{ id: 'Q1', kind: 's' },
		{ id: 'Q2', kind: 's' },
		{ id: 'Q3', kind: 'p', value: 11 },
		{ id: 'Q4', kind: 's' },
		...months.map((m): Cell =>
			m === '08' ? { id: m, kind: 'p', value: 13 } : { id: m, kind: small.has(m) ? 's' : 'z' }
		)
	];
	return system(cells, [
		['Y', ['Q1', 'Q2', 'Q3', 'Q4']],
		['Y', months],
		['Q1', ['01', '02', '03']],
		['Q2', ['04', '05', '06']],
		['Q3', ['07', '08', '09']],
		['Q4', ['10', '11', '12']]
	]);
}

describe('bounds propagation', () => {
	it('pins the Antioquia pattern: every small part at its lower bound', () => {
		const s = antioquia();
		const b = propagate(s, s.lo, s.hi);
		expect(b.converged).toBe(true);
		expect([b.lo[s.id('Y')], b.hi[s.id('Y')]]).toEqual([17, 17]);
		for (const [cell, value] of [
			['Q1', 2],
			['Q2', 3],
			['Q4', 1],
			['01', 1],
			['05', 1],
			['10', 1]
		] as const) {
			expect([b.lo[s.id(cell)], b.hi[s.id(cell)]], cell).toEqual([value, value]);
		}
	});

	it('narrows a total to the sums of its parts and leaves unrelated cells as published', () => {
		const s = system(
			[
				{ id: 'T', kind: 's' },
				{ id: 'a', kind: 'p', value: 30 },
				{ id: 'b', kind: 'z' },
				{ id: 'c', kind: 's' }
			],
			[['T', ['b', 'c']]]
		);
		const b = propagate(s, s.lo, s.hi);
		expect([b.lo[s.id('a')], b.hi[s.id('a')]]).toEqual([25, 35]);
		expect([b.lo[s.id('T')], b.hi[s.id('T')]]).toEqual([1, 10]);
		expect(b.hiReason[s.id('a')]).toBe(-1);
	});
});

describe('the guard', () => {
	it('withholds the binding total of the Antioquia pattern, and nothing is pinned afterwards', () => {
		const s = antioquia();
		const result = guardSystem(s, { minWidth: 1, withheldLow: 1 });
		expect(result.pinnedBefore).toBe(9);
		expect(result.withheld).toEqual([s.id('Y')]);
		const b = after(s, result.withheld);
		for (let c = 0; c < s.size; c++)
			if (s.small[c]) expect(b.hi[c]! - b.lo[c]!, `cell ${c}`).toBeGreaterThanOrEqual(1);
		expect(result.unresolved).toBe(0);
	});

	it('keeps every small interval at least minWidth wide, withholding more when asked to', () => {
		const s = antioquia();
		const one = guardSystem(s, { minWidth: 1, withheldLow: 1 });
		const two = guardSystem(s, { minWidth: 2, withheldLow: 1 });
		expect(two.narrowBefore).toBeGreaterThanOrEqual(two.pinnedBefore);
		const b = after(s, two.withheld);
		for (let c = 0; c < s.size; c++) if (s.small[c]) expect(b.hi[c]! - b.lo[c]!).toBeGreaterThanOrEqual(2);
		expect(two.withheld.length).toBeGreaterThanOrEqual(one.withheld.length);
		// The same system gives the same cells.
		expect(guardSystem(s, { minWidth: 2, withheldLow: 1 }).withheld).toEqual(two.withheld);
	});

	it('shows a "1–10" total as withheld when ten parts of at least 1 fill it, not the parts', () => {
		const parts = Array.from({ length: 10 }, (_, i) => `m${i}`);
		const s = system(
			[{ id: 'D', kind: 's' }, ...parts.map((id): Cell => ({ id, kind: 's' }))],
			[['D', parts]]
		);
		expect(propagate(s, s.lo, s.hi).hi[s.id('m3')]).toBe(1);
		const result = guardSystem(s, { minWidth: 1, withheldLow: 1 });
		expect(result.withheld).toEqual([s.id('D')]);
		const b = after(s, result.withheld);
		expect([b.lo[s.id('m3')], b.hi[s.id('m3')]]).toEqual([1, 10]);
	});

	it('withholds nothing when nothing is narrow', () => {
		const s = system(
			[
				{ id: 'T', kind: 'p', value: 40 },
				{ id: 'a', kind: 's' },
				{ id: 'b', kind: 'p', value: 30 }
			],
			[['T', ['a', 'b']]]
		);
		expect(guardSystem(s).withheld).toEqual([]);
	});
});
