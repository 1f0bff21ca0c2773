import type { CategoryId } from '$lib/domain/categories';
import { MonthlyCube, monthLabel } from '$lib/domain/monthly-cube';
import { crudeRate, globalEmpiricalBayes, localEmpiricalBayes } from '$lib/domain/rates';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { reportsVersion } from '../reports/version';

/**
 * Statistics on reported issues, answered from memory: the rollup table is read into a
 * MonthlyCube (running totals) and rebuilt whenever the reports version changes (an import or a
 * deletion, from this process or from the command line), so any query is a few thousand
 * subtractions instead of a scan of millions of reports.
 */

export type Measure = 'count' | 'rate' | 'smoothed_rate';
export type Smoothing = 'global' | 'local';

export type StatsQuery = {
	categories: readonly CategoryId[];
	/** Month indices (monthIndex), inclusive. */
	from: number;
	to: number;
};

export type AreaValue = {
	code: string;
	/** null: no data for this area (it never appears in these categories' sources). */
	value: number | null;
	count: number | null;
	population: number;
};

type Snapshot = {
	version: number;
	codes: string[];
	indexOf: Map<string, number>;
	departmentOf: string[];
	cube: MonthlyCube;
	/** Per category, which municipalities appear in its sources at all. */
	covered: Map<string, Uint8Array>;
	populationByYear: Map<number, Float64Array>;
	census: Float64Array;
	neighbours: number[][];
	attributions: Map<string, string[]>;
	builtInMs: number;
};

export type StatsService = ReturnType<typeof createStatsService>;

export function createStatsService(db: DB) {
	let snapshot: Snapshot | null = null;

	function current(): Snapshot {
		const version = reportsVersion(db);
		if (!snapshot || snapshot.version !== version) snapshot = build(db, version);
		return snapshot;
	}

	/** Mean population over the years of the period; years without an estimate use the 2018 census. */
	function populations(s: Snapshot, from: number, to: number): Float64Array {
		const out = new Float64Array(s.codes.length);
		const firstYear = Math.floor(from / 12);
		const lastYear = Math.floor(to / 12);
		for (let year = firstYear; year <= lastYear; year++) {
			const row = s.populationByYear.get(year) ?? s.census;
			for (let m = 0; m < out.length; m++) out[m]! += row[m]!;
		}
		const years = lastYear - firstYear + 1;
		for (let m = 0; m < out.length; m++) out[m]! /= years;
		return out;
	}

	function coverage(s: Snapshot, categories: readonly string[]): Uint8Array {
		const out = new Uint8Array(s.codes.length);
		for (const c of categories) {
			const covered = s.covered.get(c);
			if (covered) for (let m = 0; m < out.length; m++) out[m]! |= covered[m]!;
		}
		return out;
	}

	return {
		/** Months with data, per category and overall (YYYY-MM), and the municipality count. */
		extent() {
			const s = current();
			const all = s.cube.extent();
			const byCategory: Record<string, { from: string; to: string }> = {};
			for (const c of s.cube.categories()) {
				const e = s.cube.extent(c)!;
				byCategory[c] = { from: monthLabel(e.first), to: monthLabel(e.last) };
			}
			return {
				from: all ? monthLabel(all.first) : null,
				to: all ? monthLabel(all.last) : null,
				categories: byCategory,
				attributions: Object.fromEntries(s.attributions)
			};
		},

		/**
		 * One value per municipality. `given` replaces the exact counts (null or absent: no data),
		 * so that the measures, smoothing included, are computed from them alone: a provider's view
		 * of the country (Scope.countView, src/lib/server/scope.ts).
		 */
		municipalities(
			query: StatsQuery,
			measure: Measure,
			smoothing: Smoothing = 'global',
			given?: ReadonlyMap<string, number | null>
		): AreaValue[] {
			const s = current();
			const counts = given
				? Float64Array.from(s.codes, (code) => given.get(code) ?? 0)
				: s.cube.sum(query.categories, query.from, query.to);
			const pops = populations(s, query.from, query.to);
			const covered = given
				? Uint8Array.from(s.codes, (code) => ((given.get(code) ?? null) === null ? 0 : 1))
				: coverage(s, query.categories);
			let values: (number | null)[];
			if (measure === 'count') values = Array.from(counts);
			else if (measure === 'rate') values = Array.from(counts, (c, m) => crudeRate(c, pops[m]!));
			else {
				// Smoothing borrows strength from the areas with data only.
				const idx = [...covered.keys()].filter((m) => covered[m] && pops[m]! > 0);
				const position = new Map(idx.map((m, i) => [m, i]));
				const areas = idx.map((m) => ({ count: counts[m]!, population: pops[m]! }));
				const smoothed =
					smoothing === 'local'
						? localEmpiricalBayes(
								areas,
								idx.map((m) => s.neighbours[m]!.filter((n) => position.has(n)).map((n) => position.get(n)!))
							)
						: globalEmpiricalBayes(areas);
				values = new Array(s.codes.length).fill(null);
				idx.forEach((m, i) => (values[m] = smoothed[i] ?? null));
			}
			return s.codes.map((code, m) => ({
				code,
				value: covered[m] ? values[m]! : null,
				count: covered[m] ? counts[m]! : null,
				population: Math.round(pops[m]!)
			}));
		},

		/** Counts (and rates) per department: sums of its municipalities. */
		departments(query: StatsQuery, measure: Exclude<Measure, 'smoothed_rate'>): AreaValue[] {
			const s = current();
			const counts = s.cube.sum(query.categories, query.from, query.to);
			const pops = populations(s, query.from, query.to);
			const covered = coverage(s, query.categories);
			const byDepartment = new Map<string, { count: number; population: number; covered: boolean }>();
			s.codes.forEach((_, m) => {
				const d = s.departmentOf[m]!;
				const entry = byDepartment.get(d) ?? { count: 0, population: 0, covered: false };
				entry.count += counts[m]!;
				entry.population += pops[m]!;
				entry.covered ||= covered[m] === 1;
				byDepartment.set(d, entry);
			});
			return [...byDepartment].map(([code, e]) => ({
				code,
				count: e.covered ? e.count : null,
				value: !e.covered ? null : measure === 'count' ? e.count : crudeRate(e.count, e.population),
				population: Math.round(e.population)
			}));
		},

		/** Monthly series of one municipality over the categories' months with data. */
		timeseries(code: string, categories: readonly CategoryId[], from?: number, to?: number) {
			const s = current();
			const m = s.indexOf.get(code);
			const extent = categories
				.map((c) => s.cube.extent(c))
				.filter((e) => e !== null)
				.reduce<{ first: number; last: number } | null>(
					(acc, e) => (acc ? { first: Math.min(acc.first, e.first), last: Math.max(acc.last, e.last) } : e),
					null
				);
			if (m === undefined) return [];
			// Both ends given (a provider's come from the release, scope.ts): no national extent needed.
			const a = from ?? extent?.first;
			const b = to ?? extent?.last;
			if (a === undefined || b === undefined) return [];
			return Array.from(s.cube.monthly(categories, m, a, b), (count, i) => ({
				month: monthLabel(a + i),
				count
			}));
		},

		/** Counts by category of one municipality over the period, with the sources behind each. */
		summary(code: string, from: number, to: number) {
			const s = current();
			const m = s.indexOf.get(code);
			if (m === undefined) return [];
			return s.cube.categories().map((category) => ({
				category,
				count: s.covered.get(category)?.[m] ? s.cube.sumOne([category], m, from, to) : null,
				attributions: s.attributions.get(category) ?? []
			}));
		},

		/**
		 * Queen neighbours (shared edge or corner) among `codes`, by position in `codes`: the
		 * spatial statistics run on the municipalities that have a value, so the others drop out.
		 */
		queenNeighbours(codes: readonly string[]): number[][] {
			const s = current();
			const position = new Map(codes.map((code, i) => [code, i]));
			return codes.map((code) => {
				const m = s.indexOf.get(code);
				if (m === undefined) return [];
				return s.neighbours[m]!.map((n) => position.get(s.codes[n]!)).filter(
					(i): i is number => i !== undefined
				);
			});
		},

		/** For benchmarks and the health check. */
		snapshotInfo() {
			const s = current();
			return { version: s.version, builtInMs: s.builtInMs, categories: s.cube.categories().length };
		}
	};
}

function build(db: DB, version: number): Snapshot {
	const started = performance.now();
	const rows = statement(
		db,
		'SELECT code, department_code AS department FROM municipalities ORDER BY code'
	).all() as {
		code: string;
		department: string;
	}[];
	const codes = rows.map((r) => r.code);
	const indexOf = new Map(codes.map((c, i) => [c, i]));
	const covered = new Map<string, Uint8Array>();

	function* entries() {
		// The month index is computed by SQLite: parsing 'YYYY-MM' in JS for every row costs more.
		const iterator = statement(
			db,
			`SELECT category, CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1,
				municipality_code, count FROM report_rollup`
		)
			.raw()
			.iterate() as IterableIterator<[string, number, string, number]>;
		for (const [category, month, code, count] of iterator) {
			const m = indexOf.get(code);
			if (m === undefined) continue;
			let c = covered.get(category);
			if (!c) covered.set(category, (c = new Uint8Array(codes.length)));
			c[m] = 1;
			yield { category, municipality: m, month, count };
		}
	}
	const cube = new MonthlyCube(codes.length, entries());

	const census = new Float64Array(codes.length);
	for (const r of statement(db, 'SELECT code, population_2018 AS p FROM municipalities').all() as {
		code: string;
		p: number;
	}[]) {
		census[indexOf.get(r.code)!] = r.p;
	}
	const populationByYear = new Map<number, Float64Array>();
	for (const r of statement(
		db,
		'SELECT municipality_code AS code, year, population FROM population'
	).all() as {
		code: string;
		year: number;
		population: number;
	}[]) {
		const m = indexOf.get(r.code);
		if (m === undefined) continue;
		let row = populationByYear.get(r.year);
		if (!row) populationByYear.set(r.year, (row = Float64Array.from(census)));
		row[m] = r.population;
	}

	const neighbours: number[][] = codes.map(() => []);
	for (const r of statement(db, 'SELECT code, neighbour_code AS n FROM municipality_neighbours').all() as {
		code: string;
		n: string;
	}[]) {
		const a = indexOf.get(r.code);
		const b = indexOf.get(r.n);
		if (a !== undefined && b !== undefined) neighbours[a]!.push(b);
	}

	const attributions = new Map<string, string[]>();
	for (const b of statement(db, 'SELECT attribution, categories FROM import_batches').all() as {
		attribution: string;
		categories: string;
	}[]) {
		for (const c of JSON.parse(b.categories) as string[]) {
			const list = attributions.get(c) ?? [];
			if (!list.includes(b.attribution)) list.push(b.attribution);
			attributions.set(c, list);
		}
	}

	return {
		version,
		codes,
		indexOf,
		departmentOf: rows.map((r) => r.department),
		cube,
		covered,
		populationByYear,
		census,
		neighbours,
		attributions,
		builtInMs: performance.now() - started
	};
}
