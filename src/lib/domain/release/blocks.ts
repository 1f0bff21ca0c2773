import { AreaLayout, PeriodGrid, type AreaLevel } from './grid';
import { KEY_SPACE, publishCount, SMALL, type PTable } from './ptable';

/**
 * From one category's true totals and cell keys per municipality and month to a block of
 * published cells: every area of the layout (municipalities, their departments, the nation) ×
 * every period of the grid (months, quarters, years). Each cell — totals included — is
 * perturbed on its own from its own key, so no published total is exactly the sum of its
 * published parts (ptable.ts). Pure.
 */

/** A count block's entry for an area that never appears in the category's sources. */
export const NO_DATA = -3;
/**
 * A count block's entry whose value the guard withheld (guard-blocks.ts): published as "—", the
 * public knows only that it is a count above zero.
 */
export const WITHHELD = -2;
export { SMALL };

/** One category (or group) per municipality and month of a grid: `m * months + t`. */
export type MonthlyBase = {
	months: number;
	/** True totals (sums of the reports' counts). */
	totals: Float64Array;
	/** Sum of the reports' record keys, modulo 256. */
	keys: Uint8Array;
	/** 1 for a municipality that appears in the category's sources at all. */
	covered: Uint8Array;
};

export function emptyBase(municipalities: number, months: number): MonthlyBase {
	return {
		months,
		totals: new Float64Array(municipalities * months),
		keys: new Uint8Array(municipalities * months),
		covered: new Uint8Array(municipalities)
	};
}

/** Adds `from` into `into`, `from`'s first month being month `offset` of `into` (the group). */
export function addBase(into: MonthlyBase, from: MonthlyBase, offset: number): void {
	const municipalities = into.covered.length;
	for (let m = 0; m < municipalities; m++) {
		into.covered[m]! |= from.covered[m]!;
		const a = m * into.months + offset;
		const b = m * from.months;
		for (let t = 0; t < from.months; t++) {
			into.totals[a + t]! += from.totals[b + t]!;
			into.keys[a + t] = (into.keys[a + t]! + from.keys[b + t]!) & (KEY_SPACE - 1);
		}
	}
}

type Rows = { totals: Float64Array; keys: Uint32Array | Uint8Array; covered: Uint8Array };

/** The monthly rows of each level: municipalities as given, departments and nation summed. */
function levelRows(base: MonthlyBase, areas: AreaLayout): Record<AreaLevel, Rows> {
	const T = base.months;
	const M = base.covered.length;
	const D = areas.departments.length;
	const department: Rows = {
		totals: new Float64Array(D * T),
		keys: new Uint32Array(D * T),
		covered: new Uint8Array(D)
	};
	const nation: Rows = { totals: new Float64Array(T), keys: new Uint32Array(T), covered: new Uint8Array(1) };
	for (let m = 0; m < M; m++) {
		const d = areas.departmentIndex[m]!;
		department.covered[d]! |= base.covered[m]!;
		nation.covered[0]! |= base.covered[m]!;
		for (let t = 0; t < T; t++) {
			const total = base.totals[m * T + t]!;
			const key = base.keys[m * T + t]!;
			department.totals[d * T + t]! += total;
			department.keys[d * T + t]! += key;
			nation.totals[t]! += total;
			nation.keys[t]! += key;
		}
	}
	return { municipality: base, department, nation };
}

/**
 * Visits every cell of the layout × grid with its true total and key (keys summed over the
 * cell's months and areas, modulo 256).
 */
function eachCell(
	base: MonthlyBase,
	areas: AreaLayout,
	grid: PeriodGrid,
	visit: (index: number, total: number, key: number, covered: boolean) => void
): void {
	const T = base.months;
	if (T !== grid.years * 12) throw new RangeError(`The base has ${T} months, the grid ${grid.years * 12}`);
	const rows = levelRows(base, areas);
	const periods = [...grid.periods()];
	for (const level of areas.levels) {
		const r = rows[level];
		for (let i = 0; i < areas.count(level); i++) {
			const area = areas.index(level, i);
			const covered = r.covered[i] === 1;
			for (const period of periods) {
				let total = 0;
				let key = 0;
				for (let t = period.start; t < period.start + period.months; t++) {
					total += r.totals[i * T + t]!;
					key += r.keys[i * T + t]!;
				}
				visit(area * grid.size + period.index, total, key & (KEY_SPACE - 1), covered);
			}
		}
	}
}

/** A block of counts of people or events: published values, SMALL (1–10) or NO_DATA. */
export function countBlock(
	base: MonthlyBase,
	areas: AreaLayout,
	grid: PeriodGrid,
	table: PTable
): Int32Array {
	const out = new Int32Array(areas.size * grid.size);
	eachCell(base, areas, grid, (index, total, key, covered) => {
		out[index] = covered ? publishCount(table, Math.round(total), key) : NO_DATA;
	});
	return out;
}

/** A block of hectares, which identify nobody: exact (to 1/10,000 ha), NaN for no data. */
export function exactBlock(base: MonthlyBase, areas: AreaLayout, grid: PeriodGrid): Float64Array {
	const out = new Float64Array(areas.size * grid.size);
	eachCell(base, areas, grid, (index, total, _key, covered) => {
		out[index] = covered ? Math.round(total * 10_000) / 10_000 : Number.NaN;
	});
	return out;
}

/** The true totals of every cell, for tests that compare published values with the truth. */
export function trueBlock(base: MonthlyBase, areas: AreaLayout, grid: PeriodGrid): Float64Array {
	const out = new Float64Array(areas.size * grid.size);
	eachCell(base, areas, grid, (index, total, _key, covered) => {
		out[index] = covered ? total : Number.NaN;
	});
	return out;
}
