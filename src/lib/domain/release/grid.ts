/**
 * The shapes of a release's tables: which areas (municipalities, departments, the nation) and
 * which periods of the fixed grid (whole months, quarters and years) a block of cells covers, and
 * where each cell sits in the block's flat array (area-major: `area * periods + period`). Pure.
 */

export const AREA_LEVELS = ['municipality', 'department', 'nation'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const PERIOD_GRAINS = ['month', 'quarter', 'year'] as const;
export type PeriodGrain = (typeof PERIOD_GRAINS)[number];

/** The nation's area code in the release and its exports. */
export const NATION_CODE = 'CO';

/** A municipality's department: the first two digits of its DIVIPOLA code. */
export const departmentOf = (municipality: string): string => municipality.slice(0, 2);

const PER_YEAR: Record<PeriodGrain, number> = { month: 12, quarter: 4, year: 1 };

export type Period = {
	grain: PeriodGrain;
	id: string;
	/** first month, 0-based from the grid's start */ start: number;
	months: number;
};

/** The periods of whole years firstYear … firstYear + years − 1, at the given grains, in order. */
export class PeriodGrid {
	readonly size: number;
	private readonly offsets = new Map<PeriodGrain, number>();

	constructor(
		readonly firstYear: number,
		readonly years: number,
		readonly grains: readonly PeriodGrain[]
	) {
		let offset = 0;
		for (const grain of PERIOD_GRAINS) {
			if (!grains.includes(grain)) continue;
			this.offsets.set(grain, offset);
			offset += PER_YEAR[grain] * years;
		}
		this.size = offset;
	}

	has(grain: PeriodGrain): boolean {
		return this.offsets.has(grain);
	}

	/** Index of the `j`-th period of a grain (months count from January of firstYear). */
	index(grain: PeriodGrain, j: number): number {
		return this.offsets.get(grain)! + j;
	}

	/** Index of a period id (YYYY-MM, YYYY-Qn, YYYY), or −1 when it is not in the grid. */
	indexOf(id: string): number {
		const parsed = parsePeriodId(id);
		if (!parsed || !this.offsets.has(parsed.grain)) return -1;
		const y = parsed.year - this.firstYear;
		if (y < 0 || y >= this.years) return -1;
		return this.index(parsed.grain, y * PER_YEAR[parsed.grain] + parsed.part);
	}

	periodAt(index: number): Period {
		for (const grain of [...PERIOD_GRAINS].reverse()) {
			const offset = this.offsets.get(grain);
			if (offset === undefined || index < offset) continue;
			const j = index - offset;
			const year = this.firstYear + Math.floor(j / PER_YEAR[grain]);
			const part = j % PER_YEAR[grain];
			const months = 12 / PER_YEAR[grain];
			const start = (year - this.firstYear) * 12 + part * months;
			const id =
				grain === 'year'
					? String(year)
					: grain === 'quarter'
						? `${year}-Q${part + 1}`
						: `${year}-${String(part + 1).padStart(2, '0')}`;
			return { grain, id, start, months };
		}
		throw new RangeError(`No period ${index} in the grid`);
	}

	*periods(): Generator<Period & { index: number }> {
		for (let index = 0; index < this.size; index++) yield { index, ...this.periodAt(index) };
	}
}

/** A period id as year, grain and part (month 0–11, quarter 0–3, 0 for a year); null otherwise. */
export function parsePeriodId(id: string): { grain: PeriodGrain; year: number; part: number } | null {
	let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(id);
	if (m) return { grain: 'month', year: Number(m[1]), part: Number(m[2]) - 1 };
	m = /^(\d{4})-Q([1-4])$/.exec(id);
	if (m) return { grain: 'quarter', year: Number(m[1]), part: Number(m[2]) - 1 };
	m = /^(\d{4})$/.exec(id);
	if (m) return { grain: 'year', year: Number(m[1]), part: 0 };
	return null;
}

/** The grid period id of months `from` … `to` (monthIndex values), or null when it is no grid cell. */
export function periodIdOf(from: number, to: number): string | null {
	const year = Math.floor(from / 12);
	const month = from % 12;
	if (from === to) return `${year}-${String(month + 1).padStart(2, '0')}`;
	if (to - from === 2 && month % 3 === 0) return `${year}-Q${month / 3 + 1}`;
	if (to - from === 11 && month === 0) return String(year);
	return null;
}

/**
 * The areas of a block: every municipality (codes sorted), every department, the nation, or a
 * subset of these levels, in that order.
 */
export class AreaLayout {
	readonly departments: readonly string[];
	/** Department position of each municipality. */
	readonly departmentIndex: Int32Array;
	readonly size: number;
	private readonly offsets = new Map<AreaLevel, number>();
	private readonly municipalityIndex: Map<string, number>;
	private readonly departmentPosition: Map<string, number>;

	constructor(
		readonly municipalities: readonly string[],
		readonly levels: readonly AreaLevel[] = AREA_LEVELS
	) {
		this.departments = [...new Set(municipalities.map(departmentOf))].sort();
		this.departmentPosition = new Map(this.departments.map((d, i) => [d, i]));
		this.departmentIndex = Int32Array.from(municipalities, (m) =>
			this.departmentPosition.get(departmentOf(m))!
		);
		this.municipalityIndex = new Map(municipalities.map((m, i) => [m, i]));
		let offset = 0;
		for (const level of AREA_LEVELS) {
			if (!levels.includes(level)) continue;
			this.offsets.set(level, offset);
			offset += this.count(level);
		}
		this.size = offset;
	}

	count(level: AreaLevel): number {
		return level === 'municipality'
			? this.municipalities.length
			: level === 'department'
				? this.departments.length
				: 1;
	}

	has(level: AreaLevel): boolean {
		return this.offsets.has(level);
	}

	/** Index of the `i`-th area of a level in this layout. */
	index(level: AreaLevel, i: number): number {
		return this.offsets.get(level)! + i;
	}

	/** Index of an area code at a level, or −1 (unknown code, or a level the block leaves out). */
	indexOf(level: AreaLevel, code: string): number {
		if (!this.offsets.has(level)) return -1;
		const i =
			level === 'municipality'
				? this.municipalityIndex.get(code)
				: level === 'department'
					? this.departmentPosition.get(code)
					: code === NATION_CODE
						? 0
						: undefined;
		return i === undefined ? -1 : this.index(level, i);
	}

	areaAt(index: number): { level: AreaLevel; code: string } {
		for (const level of [...AREA_LEVELS].reverse()) {
			const offset = this.offsets.get(level);
			if (offset === undefined || index < offset) continue;
			const i = index - offset;
			const code =
				level === 'municipality'
					? this.municipalities[i]!
					: level === 'department'
						? this.departments[i]!
						: NATION_CODE;
			return { level, code };
		}
		throw new RangeError(`No area ${index} in the layout`);
	}
}
