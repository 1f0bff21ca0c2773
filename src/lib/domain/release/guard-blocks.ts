import { NO_DATA, SMALL, WITHHELD } from './blocks';
import type { AreaLayout, PeriodGrain, PeriodGrid } from './grid';
import { GUARD_DEFAULTS, guardSystem, type GuardOptions } from './guard';

/**
 * The guard (guard.ts) over a release's count blocks: every relation the public can combine —
 * municipality → department → nation (and municipalities → nation), month → quarter → year (and
 * months → year), each non-sensitive category → the group — within each table, as the published
 * downloads let anyone link them. Relations never cross a year or a table, so each table × year
 * is checked on its own (its connected component). Withheld cells are written into the blocks as
 * WITHHELD. Pure; a generator that pauses between components so that the build keeps to its
 * time slices.
 */

export type GuardedBlock = {
	table: string;
	category: string;
	grid: PeriodGrid;
	areas: AreaLayout;
	values: Int32Array;
};

export type GuardRules = {
	smallCell: { min: number; max: number };
	maxAbs: number;
	/** The group's id; its parts are the table's other categories. */
	group: string;
};

export type BlocksGuardReport = {
	components: number;
	cells: number;
	pinnedBefore: number;
	narrowBefore: number;
	/** Published values withheld, and "1–10" cells withheld (shown "—"). */
	withheldPublished: number;
	withheldSmall: number;
	/** Most rounds of one component. */
	rounds: number;
	unresolved: number;
};

const PER_YEAR: Record<PeriodGrain, number> = { month: 12, quarter: 4, year: 1 };

export function* guardBlocks(
	blocks: readonly GuardedBlock[],
	rules: GuardRules,
	options: GuardOptions = GUARD_DEFAULTS
): Generator<void, BlocksGuardReport, void> {
	const report: BlocksGuardReport = {
		components: 0,
		cells: 0,
		pinnedBefore: 0,
		narrowBefore: 0,
		withheldPublished: 0,
		withheldSmall: 0,
		rounds: 0,
		unresolved: 0
	};
	const tables = [...new Set(blocks.map((b) => b.table))].sort();
	for (const table of tables) {
		const inTable = blocks.filter((b) => b.table === table);
		const years = new Set<number>();
		for (const b of inTable) for (let y = 0; y < b.grid.years; y++) years.add(b.grid.firstYear + y);
		for (const year of [...years].sort((a, b) => a - b)) {
			const members = inTable.filter(
				(b) => year >= b.grid.firstYear && year < b.grid.firstYear + b.grid.years
			);
			guardYear(members, year, rules, options, report);
			yield;
		}
	}
	return report;
}

function guardYear(
	members: readonly GuardedBlock[],
	year: number,
	rules: GuardRules,
	options: GuardOptions,
	report: BlocksGuardReport
): void {
	const first = members[0]!;
	const areas = first.areas;
	const grains = first.grid.grains;
	for (const b of members) {
		if (b.areas.size !== areas.size || b.grid.grains.join() !== grains.join()) {
			throw new Error(`The blocks of table ${b.table} differ in shape`);
		}
	}
	// Periods of the year at each grain, in the component's own order.
	const periods: { grain: PeriodGrain; part: number }[] = [];
	for (const grain of ['month', 'quarter', 'year'] as const) {
		if (!grains.includes(grain)) continue;
		for (let part = 0; part < PER_YEAR[grain]; part++) periods.push({ grain, part });
	}
	const P = periods.length;
	const A = areas.size;
	const C = members.length;
	const size = C * A * P;
	const at = (c: number, a: number, p: number) => (c * A + a) * P + p;
	const sourceIndex = (b: GuardedBlock, a: number, p: number) => {
		const { grain, part } = periods[p]!;
		return a * b.grid.size + b.grid.index(grain, (year - b.grid.firstYear) * PER_YEAR[grain] + part);
	};

	const lo = new Float64Array(size);
	const hi = new Float64Array(size);
	const small = new Uint8Array(size);
	const published = new Uint8Array(size);
	const { min, max } = rules.smallCell;
	members.forEach((b, c) => {
		for (let a = 0; a < A; a++) {
			const noData = b.values[a * b.grid.size] === NO_DATA;
			for (let p = 0; p < P; p++) {
				const i = at(c, a, p);
				const v = noData ? 0 : b.values[sourceIndex(b, a, p)]!;
				if (v === SMALL) {
					lo[i] = min;
					hi[i] = max;
					small[i] = 1;
				} else if (v === WITHHELD) {
					lo[i] = options.withheldLow;
					hi[i] = Infinity;
				} else if (v > 0) {
					lo[i] = Math.max(max + 1, v - rules.maxAbs);
					hi[i] = v + rules.maxAbs;
					published[i] = 1;
				}
			}
		}
	});

	const start: number[] = [];
	const cells: number[] = [];
	const relate = (total: number, parts: number[]) => {
		if (parts.length === 0) return;
		start.push(cells.length);
		cells.push(total, ...parts);
	};
	const level = (l: 'municipality' | 'department' | 'nation') =>
		areas.has(l) ? Array.from({ length: areas.count(l) }, (_, i) => areas.index(l, i)) : [];
	const munis = level('municipality');
	const depts = level('department');
	const nation = level('nation');
	const munisOf = depts.map((_, d) => munis.filter((_, m) => areas.departmentIndex[m] === d));
	const periodOf = (grain: PeriodGrain, part: number) =>
		periods.findIndex((x) => x.grain === grain && x.part === part);
	const months = grains.includes('month') ? Array.from({ length: 12 }, (_, j) => periodOf('month', j)) : [];
	const quarters = grains.includes('quarter')
		? Array.from({ length: 4 }, (_, q) => periodOf('quarter', q))
		: [];
	const yearP = grains.includes('year') ? periodOf('year', 0) : -1;
	const group = members.findIndex((b) => b.category === rules.group);

	for (let c = 0; c < C; c++) {
		for (let p = 0; p < P; p++) {
			if (munis.length > 0)
				depts.forEach((d, i) =>
					relate(
						at(c, d, p),
						munisOf[i]!.map((m) => at(c, m, p))
					)
				);
			for (const n of nation) {
				relate(
					at(c, n, p),
					depts.map((d) => at(c, d, p))
				);
				relate(
					at(c, n, p),
					munis.map((m) => at(c, m, p))
				);
			}
		}
		for (let a = 0; a < A; a++) {
			if (months.length > 0) {
				quarters.forEach((q, i) =>
					relate(
						at(c, a, q),
						months.slice(i * 3, i * 3 + 3).map((m) => at(c, a, m))
					)
				);
			}
			if (yearP >= 0) {
				relate(
					at(c, a, yearP),
					quarters.map((q) => at(c, a, q))
				);
				relate(
					at(c, a, yearP),
					months.map((m) => at(c, a, m))
				);
			}
		}
	}
	if (group >= 0) {
		for (let a = 0; a < A; a++) {
			for (let p = 0; p < P; p++) {
				relate(
					at(group, a, p),
					members.flatMap((_, c) => (c === group ? [] : [at(c, a, p)]))
				);
			}
		}
	}
	start.push(cells.length);

	const result = guardSystem(
		{ size, lo, hi, small, published, start: Int32Array.from(start), cells: Int32Array.from(cells) },
		options
	);
	report.components++;
	report.cells += size;
	report.pinnedBefore += result.pinnedBefore;
	report.narrowBefore += result.narrowBefore;
	report.rounds = Math.max(report.rounds, result.rounds);
	report.unresolved += result.unresolved;
	for (const i of result.withheld) {
		if (small[i]) report.withheldSmall++;
		else report.withheldPublished++;
		const p = i % P;
		const a = Math.floor(i / P) % A;
		const b = members[Math.floor(i / (P * A))]!;
		b.values[sourceIndex(b, a, p)] = WITHHELD;
	}
}
