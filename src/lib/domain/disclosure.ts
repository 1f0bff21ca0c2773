import { DISCLOSURE, type DisclosureConfig, type Grain, type PublicGeography } from '../config/disclosure';

/**
 * Statistical disclosure control for everything that leaves the restricted roles: the public map
 * and statistics, and exports. Pure functions; docs/disclosure.md explains the rules and the
 * standards behind them, src/lib/config/disclosure.ts holds the thresholds.
 *
 * - Small cells: a count from 1 to 10 is never published; it is shown as "1–10".
 * - Complementary suppression: when a table publishes totals beside their parts, more entries are
 *   suppressed until no suppressed count can be worked out from the published ones (see
 *   `discloseTable`).
 * - Sensitive categories reach the public only per department (or nation) and per quarter or year.
 * - Public periods come from a fixed grid of whole months, quarters and years.
 */

export class DisclosureError extends Error {
	override name = 'DisclosureError';
}

// ---------------------------------------------------------------------------------------------
// Tables

/** Why an entry is not published: a small count, a complement protecting one, or the whole table. */
export type SuppressionReason = 'small' | 'complementary' | 'withheld';

/** A published value, or the text shown in its place. */
export type Disclosed = { value: number } | { suppressed: true; display: string; reason: SuppressionReason };

/**
 * How a table's entries aggregate along one dimension: every value (`each`), its groups (`group`,
 * e.g. months → quarters, municipalities → departments) or everything (`all`).
 */
export type Level = 'each' | 'group' | 'all';

/** A dimension by name, optionally with a grouping level (a month's quarter, a municipality's department). */
export type Dimension = string | { name: string; groupOf: (value: string) => string };

/** A published total: the level of each dimension (dimensions left out are `each`). */
export type Margin = Readonly<Record<string, Level>>;

export type TableCell = { key: Readonly<Record<string, string>>; value: number };
export type DisclosedCell = { key: Record<string, string> } & Disclosed;
export type DisclosedTotal = {
	/** The level of every dimension. */
	margin: Record<string, Level>;
	/** The value of each dimension: its own value at `each`, the group at `group`, null at `all`. */
	key: Record<string, string | null>;
} & Disclosed;
export type DisclosedTable = { cells: DisclosedCell[]; totals: DisclosedTotal[]; withheld: boolean };

export type TableSpec = {
	dimensions: readonly Dimension[];
	/** The totals published with the cells, e.g. `[{ month: 'all' }, { month: 'group' }]`. */
	totals?: readonly Margin[];
	config?: DisclosureConfig;
	/**
	 * Every value of a dimension, when some have no cell (a category with no reports): a missing
	 * cell is a published zero.
	 */
	domains?: Readonly<Record<string, readonly string[]>>;
};

/** The text shown for a small count: "1–10". */
export function smallCellDisplay(config: DisclosureConfig = DISCLOSURE): string {
	return `${config.smallCell.min}–${config.smallCell.max}`;
}

/** The text shown for a count suppressed to protect a small one: it is above the range, e.g. ">10". */
export function complementaryDisplay(config: DisclosureConfig = DISCLOSURE): string {
	return `>${config.smallCell.max}`;
}

/** The text shown for every entry of a table withheld as a whole. */
export const WITHHELD_DISPLAY = '—';

export function isSmallCount(value: number, config: DisclosureConfig = DISCLOSURE): boolean {
	return value >= config.smallCell.min && value <= config.smallCell.max;
}

/** One count on its own (no totals beside it): small counts are suppressed. */
export function discloseCount(value: number, config: DisclosureConfig = DISCLOSURE): Disclosed {
	assertCount(value);
	return isSmallCount(value, config)
		? { suppressed: true, display: smallCellDisplay(config), reason: 'small' }
		: { value };
}

/**
 * A rate computed from a disclosed count: a suppressed count suppresses its rate too (a rate and a
 * public population give the count back). `per` is the rate's unit, e.g. 100 000 inhabitants.
 */
export function discloseRate(count: Disclosed, denominator: number, per = 100_000): Disclosed {
	if ('suppressed' in count) return count;
	if (!(denominator > 0)) throw new DisclosureError('A rate needs a positive denominator');
	return { value: (count.value * per) / denominator };
}

type Dim = {
	name: string;
	leaves: string[];
	leafIndex: Map<string, number>;
	groups: string[];
	/** Group index of each leaf, or null for a dimension without groups. */
	groupOfLeaf: number[] | null;
	/** Extended coordinates: leaves 0…L-1, groups L…L+G-1, the total L+G. */
	total: number;
};

type Status = 'small' | 'complementary';

/** One dimension of a candidate pattern: extended coordinates and their sign (±1). */
type Pattern = [coordinate: number, sign: number][];

/**
 * Discloses a table of counts and the totals published with it.
 *
 * Small counts (cells or totals) are suppressed. Then, for each of them, the table must hold an
 * alternative: another table of non-negative counts that agrees with every published entry and
 * respects what the public knows of each suppressed one (a small count is between 1 and 10, a
 * complement above 10) but differs in that count. Such an alternative is built as the hypercube
 * method does (Repsilber 1994; Giessing & Repsilber 2002, "Tools and strategies to protect
 * multiple tables with the GHQUAR cell suppression engine"): changing the counts at the corners of
 * a box by alternately +1 and −1, along every dimension, leaves every total unchanged. The box with
 * the fewest and smallest new suppressions is chosen, so totals are suppressed only when no cell
 * will do. Because the alternative exists, no combination of published values, subtraction along
 * any dimension or any other linear algebra, recovers a suppressed count. A zero is never used as
 * a complement (it would then be known to be zero). If no box works, the whole table is withheld.
 */
export function discloseTable(cells: readonly TableCell[], spec: TableSpec): DisclosedTable {
	const config = spec.config ?? DISCLOSURE;
	assertConfig(config);
	const dims = buildDimensions(cells, spec);
	const margins = normaliseMargins(dims, spec.totals ?? []);
	const published = new Set<string>([dims.map(() => 'each').join(','), ...margins.map((m) => m.join(','))]);

	const levelOf = (d: number, coordinate: number): Level => {
		const dim = dims[d]!;
		if (coordinate < dim.leaves.length) return 'each';
		return coordinate < dim.total ? 'group' : 'all';
	};
	const isPublished = (coords: readonly number[]) =>
		published.has(coords.map((c, d) => levelOf(d, c)).join(','));

	// Every published entry with a non-zero value; anything else published is zero.
	const values = new Map<string, number>();
	const cellKeys: number[][] = [];
	const seen = new Set<string>();
	for (const cell of cells) {
		const coords = dims.map((dim) => dim.leafIndex.get(cell.key[dim.name]!)!);
		const key = coords.join(',');
		if (seen.has(key)) throw new DisclosureError(`Two cells have the key ${JSON.stringify(cell.key)}`);
		seen.add(key);
		cellKeys.push(coords);
		if (cell.value === 0) continue;
		values.set(key, cell.value);
		for (const margin of margins) {
			const total = margin.map((level, d) => lift(dims[d]!, coords[d]!, level)).join(',');
			values.set(total, (values.get(total) ?? 0) + cell.value);
		}
	}
	const valueOf = (key: string) => values.get(key) ?? 0;

	const status = new Map<string, Status>();
	const primaries: number[][] = [];
	for (const [key, value] of values) {
		if (isSmallCount(value, config)) {
			status.set(key, 'small');
			primaries.push(key.split(',').map(Number));
		}
	}
	// Totals first: their boxes are the costliest, and later boxes can reuse what they suppressed.
	const aggregated = (coords: number[]) => coords.filter((c, d) => levelOf(d, c) !== 'each').length;
	primaries.sort((a, b) => aggregated(b) - aggregated(a) || compareCoords(a, b));

	let withheld = false;
	for (const primary of primaries) {
		const box = findBox(primary, dims, { isPublished, valueOf, status, config });
		if (!box) {
			withheld = true;
			break;
		}
		for (const key of box) status.set(key, 'complementary');
	}

	const disclose = (key: string): Disclosed => {
		if (withheld) return { suppressed: true, display: WITHHELD_DISPLAY, reason: 'withheld' };
		const s = status.get(key);
		if (s === 'small') return { suppressed: true, display: smallCellDisplay(config), reason: 'small' };
		if (s === 'complementary') {
			return { suppressed: true, display: complementaryDisplay(config), reason: 'complementary' };
		}
		return { value: valueOf(key) };
	};

	const outCells: DisclosedCell[] = cells.map((cell, i) => ({
		key: { ...cell.key },
		...disclose(cellKeys[i]!.join(','))
	}));
	const totals: DisclosedTotal[] = [];
	for (const margin of margins) {
		const ranges = margin.map((level, d) => coordinatesAt(dims[d]!, level));
		for (const coords of cartesian(ranges)) {
			const key: Record<string, string | null> = {};
			const levels: Record<string, Level> = {};
			coords.forEach((c, d) => {
				const dim = dims[d]!;
				levels[dim.name] = margin[d]!;
				key[dim.name] = labelOf(dim, c);
			});
			totals.push({ margin: levels, key, ...disclose(coords.join(',')) });
		}
	}
	return { cells: outCells, totals, withheld };
}

type BoxContext = {
	isPublished: (coords: readonly number[]) => boolean;
	valueOf: (key: string) => number;
	status: Map<string, Status>;
	config: DisclosureConfig;
};

/**
 * Search effort per small count, in corners examined: the search stops at the budget, or soon
 * after a first box is found (the rest is spent looking for a cheaper one).
 */
const SEARCH_BUDGET = 200_000;
const IMPROVEMENT_BUDGET = 200;

type Corner = { coords: number[]; sign: number };
type SearchState = { up: boolean; down: boolean; keys: string[]; sum: number };

/**
 * The cheapest box through `primary` (fewest new suppressions, then smallest suppressed total)
 * whose published corners can all be suppressed and that gives a feasible alternative table.
 * Depth-first over the dimensions, one pattern per dimension: a partial box already fixes the
 * corners that sit at the primary's coordinate on the dimensions still to choose, so a published
 * zero or an impossible bound prunes the branch at once. Returns the keys it newly suppresses, or
 * null when no box exists (within the budget).
 */
function findBox(primary: number[], dims: Dim[], ctx: BoxContext): string[] | null {
	const { min, max } = ctx.config.smallCell;
	const candidates = dims.map((dim, d) => {
		// Rank each dimension's patterns by the entries they touch on the line through the primary;
		// a published zero on that line rules a pattern out.
		const cost = (pattern: Pattern) => {
			let sum = 0;
			for (const [c] of pattern) {
				if (c === primary[d]) continue;
				const coords = primary.slice();
				coords[d] = c;
				if (!ctx.isPublished(coords)) continue;
				const key = coords.join(',');
				if (ctx.status.has(key)) continue;
				const value = ctx.valueOf(key);
				sum += value === 0 ? Number.POSITIVE_INFINITY : 1_000 + value;
			}
			return sum;
		};
		return patternsThrough(dim, primary[d]!)
			.map((pattern) => ({ pattern, cost: cost(pattern) }))
			.filter((p) => p.cost !== Number.POSITIVE_INFINITY)
			.sort((a, b) => a.cost - b.cost)
			.map((p) => p.pattern);
	});

	/** Adds a corner's constraints to `state`; false when they make the box impossible. */
	const visit = (corner: Corner, state: SearchState): boolean => {
		if (!ctx.isPublished(corner.coords)) return true;
		const key = corner.coords.join(',');
		const value = ctx.valueOf(key);
		let status = ctx.status.get(key);
		if (!status) {
			// A published zero stays published: suppressing it would break the alternative table.
			if (value === 0) return false;
			status = 'complementary';
			state.keys.push(key);
			state.sum += value;
		}
		const low = status === 'small' ? min : max + 1;
		const high = status === 'small' ? max : Number.POSITIVE_INFINITY;
		if (value + corner.sign < low || value + corner.sign > high) state.up = false;
		if (value - corner.sign < low || value - corner.sign > high) state.down = false;
		return state.up || state.down;
	};

	let best: SearchState | null = null;
	let budget = SEARCH_BUDGET;
	const better = (a: SearchState, b: SearchState | null) =>
		!b || a.keys.length < b.keys.length || (a.keys.length === b.keys.length && a.sum < b.sum);
	const search = (d: number, corners: Corner[], state: SearchState): void => {
		if (d === dims.length) {
			if (better(state, best)) {
				best = state;
				budget = Math.min(budget, IMPROVEMENT_BUDGET);
			}
			return;
		}
		for (const pattern of candidates[d]!) {
			if (budget <= 0 || best?.keys.length === 0) return;
			const next: SearchState = { ...state, keys: [...state.keys] };
			const added: Corner[] = [];
			let possible = true;
			for (const corner of corners) {
				for (const [c, sign] of pattern) {
					if (c === primary[d]) continue;
					const coords = corner.coords.slice();
					coords[d] = c;
					const extra = { coords, sign: corner.sign * sign };
					budget--;
					possible = visit(extra, next);
					if (!possible) break;
					added.push(extra);
				}
				if (!possible) break;
			}
			if (possible && better(next, best)) search(d + 1, corners.concat(added), next);
		}
	};
	const start: SearchState = { up: true, down: true, keys: [], sum: 0 };
	const origin = { coords: primary, sign: 1 };
	if (!visit(origin, start)) return null;
	search(0, [origin], start);
	const found = best as SearchState | null;
	return found ? found.keys : null;
}

/**
 * The one-dimensional patterns through extended coordinate `at`: signed sets of coordinates whose
 * groups and total are consistent (a group's change is the sum of its leaves' changes).
 */
function patternsThrough(dim: Dim, at: number): Pattern[] {
	const L = dim.leaves.length;
	const groupCoord = (leaf: number) => (dim.groupOfLeaf ? L + dim.groupOfLeaf[leaf]! : null);
	/** +1 on a leaf and on everything above it. */
	const up = (leaf: number): Pattern => {
		const g = groupCoord(leaf);
		return g === null
			? [
					[leaf, 1],
					[dim.total, 1]
				]
			: [
					[leaf, 1],
					[g, 1],
					[dim.total, 1]
				];
	};
	/** +1 on `leaf`, −1 on `other`, and on the groups between them. */
	const swap = (leaf: number, other: number): Pattern => {
		const pattern: Pattern = [
			[leaf, 1],
			[other, -1]
		];
		const g = groupCoord(leaf);
		const h = groupCoord(other);
		if (g !== null && h !== null && g !== h) pattern.push([g, 1], [h, -1]);
		return pattern;
	};
	const leavesUnder = (coordinate: number): number[] => {
		if (coordinate < L) return [coordinate];
		if (coordinate === dim.total) return range(L);
		return range(L).filter((leaf) => groupCoord(leaf) === coordinate);
	};
	const under = leavesUnder(at);
	const outside = range(L).filter((leaf) => !under.includes(leaf));
	const patterns: Pattern[] = [];
	for (const leaf of under) {
		patterns.push(up(leaf));
		if (at < L) {
			for (const other of range(L)) if (other !== leaf) patterns.push(swap(leaf, other));
		} else {
			for (const other of outside) patterns.push(swap(leaf, other));
		}
	}
	return patterns;
}

function buildDimensions(cells: readonly TableCell[], spec: TableSpec): Dim[] {
	if (spec.dimensions.length === 0) throw new DisclosureError('A table needs at least one dimension');
	const seen = new Set<string>();
	return spec.dimensions.map((dimension) => {
		const name = typeof dimension === 'string' ? dimension : dimension.name;
		if (seen.has(name)) throw new DisclosureError(`Dimension ${name} is listed twice`);
		seen.add(name);
		const leaves: string[] = [...(spec.domains?.[name] ?? [])];
		const leafIndex = new Map(leaves.map((value, i) => [value, i]));
		for (const cell of cells) {
			assertCount(cell.value);
			const value = cell.key[name];
			if (typeof value !== 'string')
				throw new DisclosureError(`A cell has no ${name}: ${JSON.stringify(cell.key)}`);
			if (!leafIndex.has(value)) {
				leafIndex.set(value, leaves.length);
				leaves.push(value);
			}
		}
		let groups: string[] = [];
		let groupOfLeaf: number[] | null = null;
		if (typeof dimension !== 'string') {
			const groupIndex = new Map<string, number>();
			groupOfLeaf = leaves.map((leaf) => {
				const group = dimension.groupOf(leaf);
				if (!groupIndex.has(group)) groupIndex.set(group, groupIndex.size);
				return groupIndex.get(group)!;
			});
			groups = [...groupIndex.keys()];
		}
		return { name, leaves, leafIndex, groups, groupOfLeaf, total: leaves.length + groups.length };
	});
}

function normaliseMargins(dims: Dim[], totals: readonly Margin[]): Level[][] {
	const names = new Set(dims.map((d) => d.name));
	const unique = new Map<string, Level[]>();
	for (const total of totals) {
		for (const name of Object.keys(total)) {
			if (!names.has(name)) throw new DisclosureError(`A total names the unknown dimension ${name}`);
		}
		const levels = dims.map((dim) => {
			const level = total[dim.name] ?? 'each';
			if (level === 'group' && !dim.groupOfLeaf) {
				throw new DisclosureError(`Dimension ${dim.name} has no groups to total by`);
			}
			return level;
		});
		if (levels.every((level) => level === 'each')) continue;
		unique.set(levels.join(','), levels);
	}
	return [...unique.values()];
}

/** The extended coordinate of a leaf at a level. */
function lift(dim: Dim, leaf: number, level: Level): number {
	if (level === 'each') return leaf;
	if (level === 'all') return dim.total;
	return dim.leaves.length + dim.groupOfLeaf![leaf]!;
}

function coordinatesAt(dim: Dim, level: Level): number[] {
	const L = dim.leaves.length;
	if (level === 'each') return range(L);
	if (level === 'all') return [dim.total];
	return dim.groups.map((_, g) => L + g);
}

function labelOf(dim: Dim, coordinate: number): string | null {
	const L = dim.leaves.length;
	if (coordinate < L) return dim.leaves[coordinate]!;
	if (coordinate < dim.total) return dim.groups[coordinate - L]!;
	return null;
}

function* cartesian<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
	if (lists.some((list) => list.length === 0)) return;
	const index = lists.map(() => 0);
	for (;;) {
		yield index.map((i, d) => lists[d]![i]!);
		let d = lists.length - 1;
		while (d >= 0 && ++index[d]! === lists[d]!.length) index[d--] = 0;
		if (d < 0) return;
	}
}

function range(n: number): number[] {
	return Array.from({ length: n }, (_, i) => i);
}

function compareCoords(a: number[], b: number[]): number {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
	return 0;
}

function assertCount(value: number): void {
	if (!Number.isSafeInteger(value) || value < 0) {
		throw new DisclosureError(`A count must be a non-negative integer, not ${value}`);
	}
}

function assertConfig(config: DisclosureConfig): void {
	const { min, max } = config.smallCell;
	if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
		throw new DisclosureError(`Invalid small-cell range ${min}–${max}`);
	}
}

// ---------------------------------------------------------------------------------------------
// Sensitive categories

export function isSensitiveCategory(categoryId: string, config: DisclosureConfig = DISCLOSURE): boolean {
	return config.sensitiveCategories.includes(categoryId);
}

export type PublicQuery = { categories: readonly string[]; geography: PublicGeography; grain: Grain };

/** Throws a `DisclosureError` naming the first rule a public query breaks. */
export function assertPublicQuery(query: PublicQuery, config: DisclosureConfig = DISCLOSURE): void {
	if (!config.publicGeographies.includes(query.geography)) {
		throw new DisclosureError(`The public sees no data per ${query.geography}`);
	}
	if (!config.publicGrains.includes(query.grain)) {
		throw new DisclosureError(`The public sees no data per ${query.grain}`);
	}
	for (const category of query.categories) {
		if (!isSensitiveCategory(category, config)) continue;
		if (
			!config.sensitive.geographies.includes(query.geography) ||
			!config.sensitive.grains.includes(query.grain)
		) {
			throw new DisclosureError(
				`${category} is published only per ${config.sensitive.geographies.join(' or ')} and per ${config.sensitive.grains.join(' or ')}`
			);
		}
	}
}

/**
 * The categories a public table at this geography and grain may show. A total over "all
 * categories" must be computed from these only: otherwise total minus the shown parts is the
 * count of the sensitive ones at a level where they are not public.
 */
export function publicCategories(
	categories: readonly string[],
	at: { geography: PublicGeography; grain: Grain },
	config: DisclosureConfig = DISCLOSURE
): string[] {
	const sensitiveAllowed =
		config.sensitive.geographies.includes(at.geography) && config.sensitive.grains.includes(at.grain);
	return categories.filter((id) => sensitiveAllowed || !isSensitiveCategory(id, config));
}

// ---------------------------------------------------------------------------------------------
// The public period grid

/** A period of the grid: `2024-03` (month), `2024-Q1` (quarter) or `2024` (year); `end` is exclusive. */
export type PublicPeriod = { grain: Grain; id: string; start: string; end: string };

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;
const FIRST_YEAR = 1990;
const LAST_YEAR = 2100;

/** Reads a period id of any grain; anything else (a range, a day, a malformed id) is null. */
export function parsePeriod(value: string): PublicPeriod | null {
	let match: RegExpExecArray | null;
	const iso = (y: number, m: number) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
	const inRange = (y: number) => y >= FIRST_YEAR && y <= LAST_YEAR;
	if ((match = MONTH.exec(value))) {
		const [y, m] = [Number(match[1]), Number(match[2])];
		if (!inRange(y)) return null;
		return { grain: 'month', id: value, start: iso(y, m), end: m === 12 ? iso(y + 1, 1) : iso(y, m + 1) };
	}
	if ((match = QUARTER.exec(value))) {
		const [y, q] = [Number(match[1]), Number(match[2])];
		if (!inRange(y)) return null;
		return {
			grain: 'quarter',
			id: value,
			start: iso(y, 3 * q - 2),
			end: q === 4 ? iso(y + 1, 1) : iso(y, 3 * q + 1)
		};
	}
	if ((match = YEAR.exec(value))) {
		const y = Number(match[1]);
		if (!inRange(y)) return null;
		return { grain: 'year', id: value, start: iso(y, 1), end: iso(y + 1, 1) };
	}
	return null;
}

/**
 * A period the public may ask for: one cell of the fixed grid, at one of `grains`. Arbitrary
 * ranges are refused: two overlapping ranges (Jan–Mar and Feb–Mar) would differ by one month's
 * count, which may be a suppressed one.
 */
export function publicPeriod(grains: readonly Grain[], value: string): PublicPeriod {
	const period = parsePeriod(value);
	if (!period) {
		throw new DisclosureError(
			`"${value.slice(0, 20)}" is not a period of the grid: YYYY-MM, YYYY-Qn or YYYY`
		);
	}
	if (!grains.includes(period.grain)) {
		throw new DisclosureError(`Periods here are ${grains.join(' or ')}, not ${period.grain}`);
	}
	return period;
}

/** The quarter of a month id: `2024-05` → `2024-Q2`; the grouping of a month dimension. */
export function quarterOf(month: string): string {
	const match = MONTH.exec(month);
	if (!match) throw new DisclosureError(`"${month}" is not a month (YYYY-MM)`);
	return `${match[1]}-Q${Math.ceil(Number(match[2]) / 3)}`;
}

/** The months of a period, in order. */
export function monthsOf(period: PublicPeriod): string[] {
	const [y, m] = period.start.split('-').map(Number) as [number, number];
	const count = period.grain === 'month' ? 1 : period.grain === 'quarter' ? 3 : 12;
	return range(count).map((i) => `${y}-${String(m + i).padStart(2, '0')}`);
}
