import { CATEGORIES, type CategoryId } from '$lib/domain/categories';
import { isSensitiveCategory, isSmallCount, smallCellDisplay } from '$lib/domain/disclosure';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import type { HexagonQuery, StatsParams, SummaryQuery, TimeseriesQuery } from '../../schemas/reports';
import { ServiceError } from '../errors';
import { scopeOf } from '../scope';
import type { ServiceDeps } from '../services';
import { hexagons } from '../stats/hexagons';
import type { StatsQuery } from '../stats/stats';
import type { Viewer } from '../viewer';
import { createPublicCache, disclosed, withComparison } from './public-figures';
import { assertSummable, periodOf, publicGrain, unitOf } from './rules';

export type AreaLevel = 'municipality' | 'department';

/**
 * Figures of reported issues, answered from the in-memory statistics index (stats/stats.ts).
 * Restricted roles see every municipality and month (providers: their jurisdiction, through
 * `scopeOf`). The anonymous public gets the same figures through disclosure control
 * (src/lib/domain/disclosure.ts, docs/disclosure.md): whole months, quarters or years only;
 * counts from 1 to 10 suppressed with what derives from them; sensitive categories only per
 * department and per quarter or year.
 */
export function createReportService({ db, stats }: ServiceDeps) {
	const publicAnswers = createPublicCache<ReturnType<typeof figures>>(() => stats.snapshotInfo().version);

	function figures(viewer: Viewer, level: AreaLevel, params: StatsParams) {
		const scope = scopeOf(viewer);
		const measure = params.measure;
		assertSummable(params.category, measure);
		if (level === 'department' && measure === 'smoothed_rate') {
			throw new ServiceError('invalid_request', 'Smoothed rates are computed per municipality');
		}
		const query = periodOf(stats, { categories: params.category, from: params.from, to: params.to });
		const compare =
			params.compare_from || params.compare_to
				? periodOf(stats, { categories: params.category, from: params.compare_from, to: params.compare_to })
				: null;
		if (scope.isPublic) {
			for (const q of [query, compare]) {
				if (!q) continue;
				const grain = publicGrain(q.from, q.to);
				const sensitive = params.category.filter((c) => isSensitiveCategory(c));
				if (sensitive.length > 0 && (level === 'municipality' || grain === 'month')) {
					throw new ServiceError(
						'disclosure',
						`${sensitive.join(', ')} ${sensitive.length === 1 ? 'is' : 'are'} published only per department and per quarter or year`
					);
				}
			}
		}
		const unit = unitOf(params.category);
		const compute = (q: StatsQuery) =>
			disclosed(
				level === 'municipality'
					? stats.municipalities(q, measure, params.smoothing)
					: stats.departments(q, measure as 'count' | 'rate'),
				scope.isPublic,
				unit,
				level
			);
		const result = compute(query);
		let values = result.values;
		if (compare) values = withComparison(values, compute(compare).values);
		// A provider keeps the areas of its jurisdiction and its total covers those only. The public
		// has no jurisdiction: it sees every area's figure as disclosure control published it.
		const visible = scope.isPublic
			? values
			: level === 'municipality'
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
			values: visible
		};
	}

	return {
		categories() {
			return { categories: CATEGORIES };
		},

		/** Months with data, per category and overall (YYYY-MM), and the sources behind each. */
		extent() {
			return stats.extent();
		},

		/** One figure per municipality or department; the public's answers come from the cache. */
		areaFigures(viewer: Viewer, level: AreaLevel, params: StatsParams) {
			if (!scopeOf(viewer).isPublic) return figures(viewer, level, params);
			return publicAnswers.get(`${level}|${JSON.stringify(params)}`, () => figures(viewer, level, params));
		},

		/** One municipality's monthly counts; the public never gets sensitive categories per month. */
		timeseries(viewer: Viewer, code: string, query: TimeseriesQuery) {
			const scope = scopeOf(viewer);
			const { category, from, to } = query;
			// The public sees every municipality's published figures; providers their jurisdiction.
			scope.assertMunicipality(code);
			if (scope.isPublic) {
				const sensitive = category.filter((id) => isSensitiveCategory(id));
				if (sensitive.length > 0) {
					throw new ServiceError('disclosure', `${sensitive.join(', ')}: monthly series are not public`);
				}
			}
			assertSummable(category, 'count');
			const unit = unitOf(category);
			const series = stats
				.timeseries(code, category, from ? monthIndex(from) : undefined, to ? monthIndex(to) : undefined)
				.map((point) =>
					scope.isPublic && unit !== 'hectares' && isSmallCount(point.count)
						? { month: point.month, count: null, suppressed: smallCellDisplay() }
						: point
				);
			return { code, categories: category, unit, series };
		},

		/** One municipality's totals per category over a period (default: all months with data). */
		summary(viewer: Viewer, code: string, query: SummaryQuery) {
			const scope = scopeOf(viewer);
			// The public sees every municipality's published figures; providers their jurisdiction.
			scope.assertMunicipality(code);
			const extent = stats.extent();
			if (!extent.from || !extent.to) return { code, from: null, to: null, categories: [] };
			const from = query.from ?? extent.from;
			const to = query.to ?? extent.to;
			if (scope.isPublic) publicGrain(monthIndex(from), monthIndex(to));
			const categories = stats
				.summary(code, monthIndex(from), monthIndex(to))
				.filter((s) => !scope.isPublic || !isSensitiveCategory(s.category))
				.map((s) =>
					scope.isPublic &&
					s.count !== null &&
					unitOf([s.category as CategoryId]) !== 'hectares' &&
					isSmallCount(s.count)
						? { ...s, count: null, suppressed: smallCellDisplay() }
						: s
				);
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
