import { AREA_LEVELS, STATUSES, UNPROTECTED_TABLES, type Release, type Rules, type Status } from './release';

/**
 * The intruder's system: every cell of the release as an unknown true count with the bounds the
 * public knows, and every relation the public knows (a total equals the sum of its parts). Built
 * from the published rows and the published rules only.
 *
 * Relations, derived from the rules (not from how the release was built):
 * - area: municipality → department (first two digits) → nation;
 * - period: month → quarter → year;
 * - category: each non-sensitive category → the non-sensitive group.
 * A table has a relation along a dimension only where it publishes both levels (so the sensitive
 * table, department and nation × quarter and year, has department → nation and quarter → year).
 */

/** Cell status: the three published ones, and `absent` for a cell of the grid the release does not list. */
export const CELL = { published: 0, small: 1, withheld: 2, absent: 3 } as const;
const STATUS_NAMES = [...STATUSES, 'absent'] as const;

/**
 * How to read a cell the release does not list (a month after the release date inside a published
 * year, say). `zero`: zeros are published, so a cell that is not is empty — the stronger intruder,
 * and the default. `unknown`: any count ≥ 0.
 */
export type AbsentReading = 'zero' | 'unknown';

export { UNPROTECTED_TABLES };

export type Relations = {
	count: number;
	/** Relation k is `cells[start[k]]` (the total) = Σ `cells[start[k] + 1 .. start[k + 1] - 1]`. */
	start: Int32Array;
	cells: Int32Array;
	/**
	 * 1 for one step of a hierarchy. The others (a year as the sum of its months, the nation as the
	 * sum of its municipalities) follow from the direct ones; only peeling uses them, where they
	 * save rounds. The linear algebra and the LP use the direct ones.
	 */
	direct: Uint8Array;
	/** Relations of cell i: `ofCell[ofCellStart[i] .. ofCellStart[i + 1] - 1]`. */
	ofCellStart: Int32Array;
	ofCell: Int32Array;
};

export type AuditSystem = {
	size: number;
	/** What the public knows of each true count t: lo ≤ t ≤ hi (hi may be Infinity). */
	lo: Float64Array;
	hi: Float64Array;
	status: Uint8Array;
	/** The published value, -1 where none. */
	value: Int32Array;
	table: Uint8Array;
	tableIds: string[];
	/** Readable name of a cell for reports: `issues municipality 05001 2025-01 homicide`. */
	name: (cell: number) => string;
	relations: Relations;
	/** Cells whose published value breaks the rules themselves (e.g. 7 published with maxAbs 0). */
	inconsistentCells: number;
};

/**
 * What the public knows of a true count t from its row, by the published rules alone: a published
 * v means |t − v| ≤ maxAbs, t ≥ min of the counts above the small range when v > 0 (small ones are
 * suppressed) and t = 0 when v = 0; `small` means min ≤ t ≤ max; `withheld` says nothing.
 */
export function knowledgeOf(status: Status, value: number, rules: Rules): [number, number] {
	const { min, max } = rules.smallCell;
	if (status === 'small') return [min, max];
	if (status === 'withheld') return [0, Infinity];
	if (value === 0) return [0, 0];
	const d = rules.perturbation.maxAbs;
	return [Math.max(value - d, max + 1, 0), value + d];
}

class Ints {
	data = new Int32Array(1024);
	length = 0;
	push(value: number): void {
		if (this.length === this.data.length) {
			const grown = new Int32Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		this.data[this.length++] = value;
	}
	done(): Int32Array {
		return this.data.slice(0, this.length);
	}
}

/** Builds the relation arrays and the cell → relations index. */
export class RelationBuilder {
	private start = new Ints();
	private cells = new Ints();
	private direct: number[] = [];
	constructor(private size: number) {}
	add(total: number, parts: readonly number[], direct: boolean): void {
		if (parts.length === 0) return;
		this.start.push(this.cells.length);
		this.cells.push(total);
		for (const p of parts) this.cells.push(p);
		this.direct.push(direct ? 1 : 0);
	}
	done(): Relations {
		this.start.push(this.cells.length);
		const start = this.start.done();
		const cells = this.cells.done();
		const count = start.length - 1;
		const ofCellStart = new Int32Array(this.size + 1);
		for (const c of cells) ofCellStart[c + 1]!++;
		for (let i = 0; i < this.size; i++) ofCellStart[i + 1]! += ofCellStart[i]!;
		const fill = ofCellStart.slice(0, this.size);
		const ofCell = new Int32Array(cells.length);
		for (let k = 0; k < count; k++) {
			for (let j = start[k]!; j < start[k + 1]!; j++) ofCell[fill[cells[j]!]!++] = k;
		}
		return { count, start, cells, direct: Uint8Array.from(this.direct), ofCellStart, ofCell };
	}
}

const quarterOf = (month: string) => `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
const grainOf = (period: string) =>
	period.length === 4 ? 'year' : period.includes('Q') ? 'quarter' : 'month';

type Cube = {
	tableId: string;
	offset: number;
	areas: string[];
	areaLevel: number[];
	periods: string[];
	categories: string[];
};

/** The intruder's system for a release: every protected table as a full grid of its levels. */
export function systemOf(release: Release, absent: AbsentReading = 'zero'): AuditSystem {
	const { rules } = release.manifest;
	const sensitive = new Set(rules.sensitiveCategories);
	const cubes: Cube[] = [];
	let size = 0;
	const protectedTables = release.tables.filter((t) => !UNPROTECTED_TABLES.includes(t.id));

	for (const t of protectedTables) {
		const levels = new Set<number>();
		const munis = new Set<string>();
		const depts = new Set<string>();
		const years = new Set<string>();
		const grains = new Set<string>();
		const categories = new Set<string>();
		for (let r = 0; r < t.length; r++) {
			const code = release.areas[t.area[r]!]!;
			const period = release.periods[t.period[r]!]!;
			levels.add(t.level[r]!);
			if (t.level[r] === 0) munis.add(code);
			if (t.level[r] === 1) depts.add(code);
			grains.add(grainOf(period));
			years.add(period.slice(0, 4));
			categories.add(release.categories[t.category[r]!]!);
		}
		if (levels.has(1)) for (const m of munis) depts.add(m.slice(0, 2));
		const areas = [...[...munis].sort(), ...[...depts].sort(), ...(levels.has(2) ? ['CO'] : [])];
		const areaLevel = [...[...munis].map(() => 0), ...[...depts].map(() => 1), ...(levels.has(2) ? [2] : [])];
		// The period grid is completed to whole years: a published year is the sum of all its months.
		const periods: string[] = [];
		for (const y of [...years].sort()) {
			if (grains.has('month'))
				for (let m = 1; m <= 12; m++) periods.push(`${y}-${String(m).padStart(2, '0')}`);
			if (grains.has('quarter')) for (let q = 1; q <= 4; q++) periods.push(`${y}-Q${q}`);
			if (grains.has('year')) periods.push(y);
		}
		cubes.push({
			tableId: t.id,
			offset: size,
			areas,
			areaLevel,
			periods,
			categories: [...categories].sort()
		});
		size += areas.length * periods.length * categories.size;
	}

	const lo = new Float64Array(size);
	const hi = new Float64Array(size).fill(absent === 'zero' ? 0 : Infinity);
	const status = new Uint8Array(size).fill(CELL.absent);
	const value = new Int32Array(size).fill(-1);
	const table = new Uint8Array(size);
	let inconsistentCells = 0;
	const relations = new RelationBuilder(size);

	protectedTables.forEach((t, ti) => {
		const cube = cubes[ti]!;
		const A = cube.areas.length;
		const P = cube.periods.length;
		const C = cube.categories.length;
		const at = (a: number, p: number, c: number) => cube.offset + (a * P + p) * C + c;
		table.fill(ti, cube.offset, cube.offset + A * P * C);
		const areaIndex = new Map(cube.areas.map((code, i) => [code, i]));
		const periodIndex = new Map(cube.periods.map((period, i) => [period, i]));
		const categoryIndex = new Map(cube.categories.map((category, i) => [category, i]));
		for (let r = 0; r < t.length; r++) {
			const a = areaIndex.get(release.areas[t.area[r]!]!)!;
			const p = periodIndex.get(release.periods[t.period[r]!]!)!;
			const c = categoryIndex.get(release.categories[t.category[r]!]!)!;
			const i = at(a, p, c);
			if (status[i] !== CELL.absent) throw new Error(`${t.id}: the same cell appears twice (${nameOf(i)})`);
			status[i] = t.status[r]!;
			value[i] = t.value[r]!;
			const [l, h] = knowledgeOf(STATUSES[t.status[r]!]!, t.value[r]!, rules);
			lo[i] = l;
			hi[i] = h;
			if (l > h) inconsistentCells++;
		}

		// Parts of each area and period, by level; empty lists where the table lacks the finer level.
		const muniAreas = cube.areas.flatMap((_, i) => (cube.areaLevel[i] === 0 ? [i] : []));
		const deptAreas = cube.areas.flatMap((_, i) => (cube.areaLevel[i] === 1 ? [i] : []));
		const areaParts = cube.areas.map((code, i): { parts: number[]; direct: boolean }[] => {
			if (cube.areaLevel[i] === 1)
				return [{ parts: muniAreas.filter((m) => cube.areas[m]!.startsWith(code)), direct: true }];
			if (cube.areaLevel[i] === 2) {
				return [
					{ parts: deptAreas, direct: true },
					{ parts: muniAreas, direct: deptAreas.length === 0 }
				];
			}
			return [];
		});
		const months = cube.periods.flatMap((period, i) => (grainOf(period) === 'month' ? [i] : []));
		const quarters = cube.periods.flatMap((period, i) => (grainOf(period) === 'quarter' ? [i] : []));
		const periodParts = cube.periods.map((period): { parts: number[]; direct: boolean }[] => {
			const grain = grainOf(period);
			if (grain === 'quarter')
				return [{ parts: months.filter((m) => quarterOf(cube.periods[m]!) === period), direct: true }];
			if (grain === 'year') {
				const inYear = (j: number) => cube.periods[j]!.startsWith(`${period}-`);
				const q = quarters.filter(inYear);
				return [
					{ parts: q, direct: true },
					{ parts: months.filter(inYear), direct: q.length === 0 }
				];
			}
			return [];
		});
		const group = cube.categories.indexOf(rules.nonSensitiveGroup);
		const groupParts = cube.categories.flatMap((category, i) =>
			i !== group && !sensitive.has(category) ? [i] : []
		);

		for (let a = 0; a < A; a++) {
			for (let p = 0; p < P; p++) {
				for (let c = 0; c < C; c++) {
					const total = at(a, p, c);
					for (const { parts, direct } of areaParts[a]!) {
						relations.add(
							total,
							parts.map((part) => at(part, p, c)),
							direct
						);
					}
					for (const { parts, direct } of periodParts[p]!) {
						relations.add(
							total,
							parts.map((part) => at(a, part, c)),
							direct
						);
					}
					if (c === group) {
						relations.add(
							total,
							groupParts.map((part) => at(a, p, part)),
							true
						);
					}
				}
			}
		}
	});

	function nameOf(cell: number): string {
		const cube = cubes[table[cell]!]!;
		const P = cube.periods.length;
		const C = cube.categories.length;
		const local = cell - cube.offset;
		const c = local % C;
		const p = Math.floor(local / C) % P;
		const a = Math.floor(local / (C * P));
		const level = AREA_LEVELS[cube.areaLevel[a]!];
		return `${cube.tableId} ${level} ${cube.areas[a]} ${cube.periods[p]} ${cube.categories[c]}`;
	}

	return {
		size,
		lo,
		hi,
		status,
		value,
		table,
		tableIds: protectedTables.map((t) => t.id),
		name: nameOf,
		relations: relations.done(),
		inconsistentCells
	};
}

/** Status name of a cell, for reports. */
export const statusName = (system: AuditSystem, cell: number) => STATUS_NAMES[system.status[cell]!]!;

export type HandCell = { id: string; lo: number; hi: number; status?: keyof typeof CELL; value?: number };

/**
 * A system written by hand (tests, examples): cells with their bounds and the relations between
 * them, every relation direct.
 */
export function handSystem(
	cells: readonly HandCell[],
	relations: readonly { total: string; parts: string[] }[]
): AuditSystem {
	const index = new Map(cells.map((c, i) => [c.id, i]));
	const id = (name: string) => {
		const i = index.get(name);
		if (i === undefined) throw new Error(`unknown cell ${name}`);
		return i;
	};
	const builder = new RelationBuilder(cells.length);
	for (const r of relations) builder.add(id(r.total), r.parts.map(id), true);
	return {
		size: cells.length,
		lo: Float64Array.from(cells.map((c) => c.lo)),
		hi: Float64Array.from(cells.map((c) => c.hi)),
		status: Uint8Array.from(cells.map((c) => CELL[c.status ?? (c.lo === c.hi ? 'published' : 'small')])),
		value: Int32Array.from(cells.map((c) => c.value ?? (c.lo === c.hi ? c.lo : -1))),
		table: new Uint8Array(cells.length),
		tableIds: ['hand'],
		name: (cell) => cells[cell]!.id,
		relations: builder.done(),
		inconsistentCells: 0
	};
}
