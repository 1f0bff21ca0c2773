import { CATEGORIES } from '$lib/domain/categories';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import type { HexagonQuery, StatsParams, SummaryQuery, TimeseriesQuery } from '../../schemas/reports';
import { ServiceError } from '../errors';
import { scopeOf, type Extent } from '../scope';
import type { ServiceDeps } from '../services';
import { hexagons } from '../stats/hexagons';
import type { StatsQuery } from '../stats/stats';
import type { Viewer } from '../viewer';
import { exactTable, withComparison } from './public-figures';
import { assertSummable, periodOf, unitOf } from './rules';

export type AreaLevel = 'municipality' | 'department';

/**
 * Figures of reported issues. Restricted roles get exact figures from the in-memory statistics
 * index (stats/stats.ts): every municipality and month (providers: their jurisdiction, through
 * `scopeOf`). The anonymous public gets a slice of the current public release instead
 * (src/lib/server/release, docs/disclosure.md): whole months, quarters or years only; one
 * category or every non-sensitive one together; counts from 1 to 10 shown as "1–10", every other
 * count perturbed; sensitive categories only per department and per quarter or year.
 */
export function createReportService({ db, stats, release }: ServiceDeps) {
	const sources = { stats, release };

	function figures(viewer: Viewer, level: AreaLevel, params: StatsParams) {
		const scope = scopeOf(viewer);
		const extent = scope.extent(sources);
		const measure = params.measure;
		assertSummable(params.category, measure);
		if (level === 'department' && measure === 'smoothed_rate') {
			throw new ServiceError('invalid_request', 'Smoothed rates are computed per municipality');
		}
		const query = periodOf(extent, { categories: params.category, from: params.from, to: params.to });
		const compare =
			params.compare_from || params.compare_to
				? periodOf(extent, { categories: params.category, from: params.compare_from, to: params.compare_to })
				: null;
		const unit = unitOf(params.category);
		// A provider's smoothed rates borrow from its view of the country (scope.ts), never from exact
		// outside counts; a department figure it gets is a sum of its own municipalities.
		const coverageOf = scope.coverageOf(sources);
		const compute = (q: StatsQuery) =>
			exactTable(
				level === 'municipality'
					? stats.municipalities(q, measure, params.smoothing, scope.countView(sources, q), coverageOf)
					: stats.departments(q, measure as 'count' | 'rate', coverageOf)
			);
		const result = compute(query);
		let values = result.values;
		let comparison: { from: string; to: string; previousFrom: string; previousTo: string } | undefined;
		if (compare) {
			// Like with like: the same covered months of both periods (January–May against
			// January–May); periods of different lengths compare their rates per year.
			const aligned = stats.comparableWindows(params.category, query, compare, coverageOf);
			const a = aligned ? { ...query, from: aligned.a.first, to: aligned.a.last } : query;
			const b = aligned ? { ...compare, from: aligned.b.first, to: aligned.b.last } : compare;
			const changes = new Map(withComparison(compute(a).values, compute(b).values).map((v) => [v.code, v]));
			values = values.map((v) => ({
				...v,
				previous: changes.get(v.code)?.previous ?? null,
				change: changes.get(v.code)?.change ?? null
			}));
			comparison = {
				from: monthLabel(a.from),
				to: monthLabel(a.to),
				previousFrom: monthLabel(b.from),
				previousTo: monthLabel(b.to)
			};
		}
		// A provider keeps the areas of its jurisdiction and its total covers those only.
		const visible =
			level === 'municipality'
				? scope.keep(values, (v) => v.code)
				: scope.keepDepartments(values, (v) => v.code);
		const total = scope.isJurisdictional ? visible.reduce((sum, v) => sum + (v.count ?? 0), 0) : result.total;
		return {
			measure,
			smoothing: measure === 'smoothed_rate' ? params.smoothing : undefined,
			unit,
			per: measure === 'count' ? undefined : 100_000,
			categories: params.category,
			from: params.from ?? monthLabel(query.from),
			to: params.to ?? monthLabel(query.to),
			/** The sum of the counts (of the areas the caller sees); null when suppressed. */
			total,
			...(result.totalSuppressed && !scope.isJurisdictional
				? { totalSuppressed: result.totalSuppressed }
				: {}),
			values: visible,
			...stats.notes(params.category, query.from, query.to, coverageOf),
			...(comparison ? { comparison } : {})
		};
	}

	return {
		categories() {
			return { categories: CATEGORIES };
		},

		/**
		 * Months with data, per category and overall (YYYY-MM), and the sources behind each. The
		 * public's is a slice of the release; a provider's comes from the release too (scope.ts: the
		 * country's last month with data is a fact about outside data); planners get the index's.
		 */
		extent(viewer: Viewer) {
			if (scopeOf(viewer).isPublic) return release.extent();
			return scopeOf(viewer).extent(sources);
		},

		/** One figure per municipality or department; the public's is a slice of the release. */
		areaFigures(viewer: Viewer, level: AreaLevel, params: StatsParams) {
			if (scopeOf(viewer).isPublic) return release.areaFigures(level, params);
			return figures(viewer, level, params);
		},

		/** One municipality's monthly counts; the public never gets sensitive categories per month. */
		timeseries(viewer: Viewer, code: string, query: TimeseriesQuery) {
			const scope = scopeOf(viewer);
			const { category, from, to } = query;
			// The public sees every municipality's published series; providers their jurisdiction.
			if (scope.isPublic) return release.timeseries(code, query);
			scope.assertMunicipality(code);
			assertSummable(category, 'count');
			const unit = unitOf(category);
			// A provider's default months come from the release (scope.extent), not from outside data.
			const known = scope.unrestricted ? null : periodOrNull(scope.extent(sources), category);
			const a = from ? monthIndex(from) : known?.from;
			const b = to ? monthIndex(to) : known?.to;
			const { grain, points } =
				scope.unrestricted || (a !== undefined && b !== undefined)
					? stats.timeseries(code, category, a, b, scope.coverageOf(sources))
					: { grain: 'month' as const, points: [] };
			const series: { month: string; count: number | null; suppressed?: string }[] = points;
			const notes =
				series.length > 0
					? stats.notes(
							category,
							monthIndex(grain === 'year' ? `${series[0]!.month}-01` : series[0]!.month),
							monthIndex(grain === 'year' ? `${series.at(-1)!.month}-12` : series.at(-1)!.month),
							scope.coverageOf(sources)
						)
					: null;
			return {
				code,
				categories: category,
				unit,
				grain,
				series,
				...(notes ? { coverage: notes.coverage } : {})
			};
		},

		/** One municipality's totals per category over a period (default: all months with data). */
		summary(viewer: Viewer, code: string, query: SummaryQuery) {
			const scope = scopeOf(viewer);
			// The public sees every municipality's published figures; providers their jurisdiction.
			if (scope.isPublic) return release.summary(code, query);
			scope.assertMunicipality(code);
			const extent = scope.extent(sources);
			if (!extent.from || !extent.to) return { code, from: null, to: null, categories: [] };
			const from = query.from ?? extent.from;
			const to = query.to ?? extent.to;
			let categories: {
				category: string;
				count: number | null;
				attributions: string[];
				suppressed?: string;
				covered?: { from: string; to: string } | null;
				coverageNote?: { es: string; en: string } | null;
			}[] = stats.summary(code, monthIndex(from), monthIndex(to), scope.coverageOf(sources));
			// A provider learns which categories exist, and their sources, from the release or from
			// its own municipality's data, not from the rest of the country.
			if (!scope.unrestricted) {
				categories = categories
					.filter((c) => extent.categories[c.category] !== undefined || c.count !== null)
					.map((c) => ({ ...c, attributions: extent.attributions[c.category] ?? [] }));
			}
			return { code, from, to, categories };
		},

		/** Point reports per H3 cell, for signed-in roles only (providers: their jurisdiction). */
		hexagons(viewer: Viewer, query: HexagonQuery) {
			const scope = scopeOf(viewer);
			// The API refuses the public first (401); checked again so that no caller can skip it.
			if (scope.isPublic) throw new ServiceError('forbidden', 'Point reports are for signed-in roles');
			return { resolution: query.resolution, ...hexagons(db, scope, query) };
		}
	};
}

export type ReportService = ReturnType<typeof createReportService>;

/** The first and last month with data of any of the categories, or null when none has any. */
function periodOrNull(extent: Extent, categories: readonly string[]): { from: number; to: number } | null {
	const known = categories.map((c) => extent.categories[c]).filter((e) => e !== undefined);
	if (known.length === 0) return null;
	return {
		from: Math.min(...known.map((e) => monthIndex(e.from))),
		to: Math.max(...known.map((e) => monthIndex(e.to)))
	};
}
