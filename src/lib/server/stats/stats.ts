import type { CategoryId } from '$lib/domain/categories';
import { MonthlyCube, monthLabel } from '$lib/domain/monthly-cube';
import {
	alignedWindows,
	describeRange,
	departmentsWithOwnCoverage,
	effectiveWindow,
	periodCoverage,
	type CategoryCoverage,
	type MonthRange
} from '$lib/domain/coverage';
import { exposure, populationYear, ratePerYear, type PopulationTable } from '$lib/domain/denominators';
import { globalEmpiricalBayes, localEmpiricalBayes } from '$lib/domain/rates';
import { figureNotes } from '$lib/domain/figure-notes';
import type { FigureNotes } from '$lib/schemas/coverage';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { categoryCoverages } from '../reports/coverage';
import { reportsVersion } from '../reports/version';

/**
 * Statistics on reported issues, answered from memory: the rollup table is read into a
 * MonthlyCube (running totals) and rebuilt whenever the reports version changes (an import or a
 * deletion, from this process or from the command line), so any query is a few thousand
 * subtractions instead of a scan of millions of reports.
 *
 * Every figure is computed over the months its categories' sources cover (domain/coverage.ts):
 * a municipality a registry never lists has 0, one a compilation never lists has no data; rates are
 * per 100,000 inhabitants per year of the covered months (domain/denominators.ts); `notes()` says
 * what a figure covers so the answer can say it.
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
	/** Mean population over the covered months the municipality existed. */
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
	/** Per category, what its sources cover (months, precision, meaning of absence). */
	coverage: Map<string, CategoryCoverage>;
	population: PopulationTable;
	/** The municipalities whose DANE population is 0 in some year (before they were created). */
	absentYears: Set<number>;
	neighbours: number[][];
	attributions: Map<string, string[]>;
	builtInMs: number;
};

export type StatsService = ReturnType<typeof createStatsService>;

/**
 * Where a figure's coverage comes from: the index's own (the exact data) by default; a provider's
 * figures take the public release's (Scope.coverageOf), since the months with data anywhere in
 * the country are a fact about outside data too.
 */
export type CoverageOf = (category: string) => CategoryCoverage | undefined;

export function createStatsService(db: DB) {
	let snapshot: Snapshot | null = null;

	function current(): Snapshot {
		const version = reportsVersion(db);
		if (!snapshot || snapshot.version !== version) snapshot = build(db, version);
		return snapshot;
	}

	function coveragesOf(
		s: Snapshot,
		categories: readonly string[],
		coverageOf?: CoverageOf
	): CategoryCoverage[] {
		return categories
			.map((c) => (coverageOf ?? ((id) => s.coverage.get(id)))(c))
			.filter((c) => c !== undefined);
	}

	/**
	 * The covered window of every municipality (its department's, where a source's months differ
	 * there), or null everywhere when a category has no source at all.
	 */
	function windowsOf(
		s: Snapshot,
		categories: readonly string[],
		from: number,
		to: number,
		coverageOf?: CoverageOf
	): (MonthRange | null)[] {
		const coverages = coveragesOf(s, categories, coverageOf);
		if (coverages.length < categories.length) return s.codes.map(() => null);
		const national = effectiveWindow(coverages, from, to);
		const own = new Map(
			departmentsWithOwnCoverage(coverages).map((d) => [d, effectiveWindow(coverages, from, to, d)])
		);
		return s.codes.map((_, m) => (own.has(s.departmentOf[m]!) ? own.get(s.departmentOf[m]!)! : national));
	}

	/** Counts over each municipality's window: one pass of the cube when they share it. */
	function countsOver(s: Snapshot, categories: readonly string[], windows: readonly (MonthRange | null)[]) {
		const first = windows.find((w) => w !== null) ?? null;
		const out = first ? s.cube.sum(categories, first.first, first.last) : new Float64Array(s.codes.length);
		windows.forEach((w, m) => {
			if (w === null) out[m] = 0;
			else if (w !== first) out[m] = s.cube.sumOne(categories, m, w.first, w.last);
		});
		return out;
	}

	/**
	 * The counts a rate divides: without the years a municipality did not exist (DANE population
	 * 0), whose events (a source may place them by name in the later municipality) have no
	 * inhabitants to be divided by.
	 */
	function countsWhileExisting(
		s: Snapshot,
		categories: readonly string[],
		windows: readonly (MonthRange | null)[],
		counts: Float64Array
	): Float64Array {
		const out = Float64Array.from(counts);
		for (const m of s.absentYears) {
			const w = windows[m];
			if (!w) continue;
			for (let year = Math.floor(w.first / 12); year <= Math.floor(w.last / 12); year++) {
				const used = populationYear(s.population, year);
				if (used === null || (s.population.byYear.get(used)?.[m] ?? 1) !== 0) continue;
				const first = Math.max(w.first, year * 12);
				const last = Math.min(w.last, year * 12 + 11);
				out[m]! -= s.cube.sumOne(categories, m, first, last);
			}
		}
		return out;
	}

	/**
	 * Which municipalities have a figure: inside the covered window, and listed by a source of the
	 * categories or absent from a registry whose absence means zero.
	 */
	function coveredOf(
		s: Snapshot,
		categories: readonly string[],
		windows: readonly (MonthRange | null)[],
		coverageOf?: CoverageOf
	) {
		const out = new Uint8Array(s.codes.length);
		for (const c of categories) {
			const zero = (coverageOf ?? ((id) => s.coverage.get(id)))(c)?.absence === 'zero';
			const listed = s.covered.get(c);
			for (let m = 0; m < out.length; m++) if (zero || listed?.[m]) out[m] = 1;
		}
		windows.forEach((w, m) => {
			if (w === null) out[m] = 0;
		});
		return out;
	}

	function exposuresOf(s: Snapshot, windows: readonly (MonthRange | null)[]) {
		const personYears = new Float64Array(s.codes.length);
		const mean = new Float64Array(s.codes.length);
		windows.forEach((w, m) => {
			if (!w) return;
			const e = exposure(s.population, m, w);
			personYears[m] = e.personYears;
			mean[m] = e.meanPopulation;
		});
		return { personYears, mean };
	}

	/** What a figure over these categories and months covers, in data and in words. */
	function notesOf(
		s: Snapshot,
		categories: readonly string[],
		from: number,
		to: number,
		coverageOf?: CoverageOf
	): FigureNotes {
		return figureNotes(
			categories.map((c) => [c, (coverageOf ?? ((id) => s.coverage.get(id)))(c)] as const),
			s.population,
			from,
			to
		);
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
				attributions: Object.fromEntries(s.attributions),
				/** Categories counted by year: a period of them is whole years (never a January). */
				yearly: Object.keys(byCategory).filter((c) => s.coverage.get(c)?.precision === 'year')
			};
		},

		/** What a figure over these categories and months covers: months, gaps, denominators. */
		notes(categories: readonly string[], from: number, to: number, coverageOf?: CoverageOf): FigureNotes {
			return notesOf(current(), categories, from, to, coverageOf);
		},

		/**
		 * The windows a comparison of two periods uses: the same covered months of both (January–May
		 * 2025 against January–May 2024), or null when the periods differ in length (then each is
		 * compared per year of its own covered months) or share no covered month.
		 */
		comparableWindows(categories: readonly string[], a: StatsQuery, b: StatsQuery, coverageOf?: CoverageOf) {
			const s = current();
			const coverages = coveragesOf(s, categories, coverageOf);
			if (coverages.length < categories.length) return null;
			return alignedWindows(periodCoverage(coverages, a.from, a.to), periodCoverage(coverages, b.from, b.to));
		},

		/**
		 * One value per municipality over the months the categories cover. `given` replaces the
		 * exact counts (null or absent: no data), so that the measures, smoothing included, are
		 * computed from them alone: a provider's view of the country (Scope.countView,
		 * src/lib/server/scope.ts).
		 */
		municipalities(
			query: StatsQuery,
			measure: Measure,
			smoothing: Smoothing = 'global',
			given?: ReadonlyMap<string, number | null>,
			coverageOf?: CoverageOf
		): AreaValue[] {
			const s = current();
			const windows = windowsOf(s, query.categories, query.from, query.to, coverageOf);
			const counts = given
				? Float64Array.from(s.codes, (code) => given.get(code) ?? 0)
				: countsOver(s, query.categories, windows);
			const { personYears, mean } = exposuresOf(s, windows);
			const covered = given
				? Uint8Array.from(s.codes, (code, m) => ((given.get(code) ?? null) === null || !windows[m] ? 0 : 1))
				: coveredOf(s, query.categories, windows, coverageOf);
			let values: (number | null)[];
			// A provider's given counts are for the whole window; the index's drop years before a
			// municipality existed from the numerator, as its person-years do.
			const divided = given ? counts : countsWhileExisting(s, query.categories, windows, counts);
			if (measure === 'count') values = Array.from(counts);
			else if (measure === 'rate') values = Array.from(divided, (c, m) => ratePerYear(c, personYears[m]!));
			else {
				// Smoothing borrows strength from the areas with data only; exposure in person-years.
				const idx = [...covered.keys()].filter((m) => covered[m] && personYears[m]! > 0);
				const position = new Map(idx.map((m, i) => [m, i]));
				const areas = idx.map((m) => ({ count: divided[m]!, population: personYears[m]! }));
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
				population: Math.round(mean[m]!)
			}));
		},

		/** Counts (and rates per year) per department: sums of its municipalities. */
		departments(
			query: StatsQuery,
			measure: Exclude<Measure, 'smoothed_rate'>,
			coverageOf?: CoverageOf
		): AreaValue[] {
			const s = current();
			const windows = windowsOf(s, query.categories, query.from, query.to, coverageOf);
			const counts = countsOver(s, query.categories, windows);
			const divided = countsWhileExisting(s, query.categories, windows, counts);
			const { personYears, mean } = exposuresOf(s, windows);
			const covered = coveredOf(s, query.categories, windows, coverageOf);
			const byDepartment = new Map<
				string,
				{ count: number; divided: number; personYears: number; population: number; covered: boolean }
			>();
			s.codes.forEach((_, m) => {
				const d = s.departmentOf[m]!;
				const entry = byDepartment.get(d) ?? {
					count: 0,
					divided: 0,
					personYears: 0,
					population: 0,
					covered: false
				};
				entry.count += counts[m]!;
				entry.divided += divided[m]!;
				entry.personYears += personYears[m]!;
				entry.population += mean[m]!;
				entry.covered ||= covered[m] === 1;
				byDepartment.set(d, entry);
			});
			return [...byDepartment].map(([code, e]) => ({
				code,
				count: e.covered ? e.count : null,
				value: !e.covered ? null : measure === 'count' ? e.count : ratePerYear(e.divided, e.personYears),
				population: Math.round(e.population)
			}));
		},

		/**
		 * Series of one municipality over the categories' months with data: monthly, or yearly when a
		 * category counts by year (a yearly figure is never shown as its January). A month (year)
		 * its sources do not cover has no count (null), not 0.
		 */
		timeseries(
			code: string,
			categories: readonly CategoryId[],
			from?: number,
			to?: number,
			coverageOf?: CoverageOf
		) {
			const s = current();
			const m = s.indexOf.get(code);
			const extent = categories
				.map((c) => s.cube.extent(c))
				.filter((e) => e !== null)
				.reduce<{ first: number; last: number } | null>(
					(acc, e) => (acc ? { first: Math.min(acc.first, e.first), last: Math.max(acc.last, e.last) } : e),
					null
				);
			if (m === undefined) return { grain: 'month' as const, points: [] };
			// Both ends given (a provider's come from the release, scope.ts): no national extent needed.
			const a = from ?? extent?.first;
			const b = to ?? extent?.last;
			if (a === undefined || b === undefined) return { grain: 'month' as const, points: [] };
			const coverages = coveragesOf(s, categories, coverageOf);
			const department = s.departmentOf[m]!;
			const listed =
				coveredOf(
					s,
					categories,
					s.codes.map(() => ({ first: a, last: b })),
					coverageOf
				)[m] === 1;
			const within = (first: number, last: number) =>
				listed &&
				coverages.length === categories.length &&
				effectiveWindow(coverages, first, last, department) !== null;
			if (coverages.some((c) => c.precision === 'year')) {
				const points: { month: string; count: number | null }[] = [];
				// Without an end asked for, the last year with data is whole (stored as its January).
				const end = to === undefined ? Math.floor(b / 12) * 12 + 11 : b;
				const yearly = s.cube.monthly(categories, m, a, end);
				for (let year = Math.ceil(a / 12); year * 12 + 11 <= end; year++) {
					let count = 0;
					for (let t = year * 12; t <= year * 12 + 11; t++) count += yearly[t - a]!;
					points.push({ month: String(year), count: within(year * 12, year * 12 + 11) ? count : null });
				}
				return { grain: 'year' as const, points };
			}
			return {
				grain: 'month' as const,
				points: Array.from(s.cube.monthly(categories, m, a, b), (count, i) => ({
					month: monthLabel(a + i),
					count: within(a + i, a + i) ? count : null
				}))
			};
		},

		/**
		 * Counts by category of one municipality over the months each category covers in the period,
		 * with the sources behind each and, where that is not the whole period, what it covers.
		 */
		summary(code: string, from: number, to: number, coverageOf?: CoverageOf) {
			const s = current();
			const m = s.indexOf.get(code);
			if (m === undefined) return [];
			return s.cube.categories().map((category) => {
				const coverage = (coverageOf ?? ((id) => s.coverage.get(id)))(category);
				const window = coverage ? effectiveWindow([coverage], from, to, s.departmentOf[m]) : null;
				const listed = coverage?.absence === 'zero' || s.covered.get(category)?.[m] === 1;
				const partial = !window || window.first !== from || window.last !== to;
				return {
					category,
					count: window && listed ? s.cube.sumOne([category], m, window.first, window.last) : null,
					attributions: s.attributions.get(category) ?? [],
					...(partial
						? {
								covered: window ? { from: monthLabel(window.first), to: monthLabel(window.last) } : null,
								coverageNote: window
									? { es: describeRange(window, 'es'), en: describeRange(window, 'en') }
									: null
							}
						: {})
				};
			});
		},

		/**
		 * Every municipality's monthly counts over months `from` … `to` (indices), with which of
		 * those months its sources cover (listed, or absent from a registry whose absence is zero,
		 * and inside its department's covered months: a month in a source's gap is not a zero), for
		 * the early-warning rules (src/lib/server/alerts). `counts` and `covered` are row-major,
		 * municipality × month; `precision` is the coarsest date precision of the categories'
		 * sources (null: a category has no source).
		 */
		monthlyCounts(categories: readonly string[], from: number, to: number, coverageOf?: CoverageOf) {
			const s = current();
			const months = Math.max(0, to - from + 1);
			const counts = new Float64Array(s.codes.length * months);
			const covered = new Uint8Array(s.codes.length * months);
			const coverages = coveragesOf(s, categories, coverageOf);
			const complete = coverages.length === categories.length && categories.length > 0;
			const listed = coveredOf(
				s,
				categories,
				s.codes.map(() => ({ first: from, last: to })),
				coverageOf
			);
			// Which months are covered, nationally and in each department with months of its own.
			const monthsOf = (department?: string) =>
				Uint8Array.from({ length: months }, (_, i) =>
					complete && effectiveWindow(coverages, from + i, from + i, department) !== null ? 1 : 0
				);
			const national = monthsOf();
			const own = new Map(departmentsWithOwnCoverage(coverages).map((d) => [d, monthsOf(d)]));
			s.codes.forEach((_, m) => {
				counts.set(s.cube.monthly(categories, m, from, to), m * months);
				if (!listed[m]) return;
				covered.set(own.get(s.departmentOf[m]!) ?? national, m * months);
			});
			const order = { day: 0, month: 1, year: 2 } as const;
			const precision = complete
				? coverages.map((c) => c.precision).reduce((a, b) => (order[b] > order[a] ? b : a))
				: null;
			return { codes: s.codes, departmentOf: s.departmentOf, months, counts, covered, precision };
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
	const byYear = new Map<number, Float64Array>();
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
		let row = byYear.get(r.year);
		// A municipality missing from a year's table falls back to the census; DANE's 0 (a year
		// before the municipality was created) stays 0 and makes it absent for that year.
		if (!row) byYear.set(r.year, (row = Float64Array.from(census)));
		row[m] = r.population;
	}
	const population: PopulationTable = { years: [...byYear.keys()].sort((a, b) => a - b), byYear, census };
	const absentYears = new Set<number>();
	for (const row of byYear.values()) row.forEach((p, m) => p === 0 && absentYears.add(m));

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
		coverage: categoryCoverages(db, (category) => cube.extent(category)),
		population,
		absentYears,
		neighbours,
		attributions,
		builtInMs: performance.now() - started
	};
}
