import { Hono } from 'hono';
import { z } from 'zod';
import { CATEGORIES, categoryById, type CategoryId, type Unit } from '$lib/domain/categories';
import { discloseTable, isSensitiveCategory, isSmallCount, smallCellDisplay } from '$lib/domain/disclosure';
import { gridGrain, monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { percentChange } from '$lib/domain/rates';
import { MunicipalityCode } from '../../schemas/municipality';
import { canSeeDepartment, canSeeMunicipality } from '../auth/jurisdiction';
import type { SessionUser } from '../auth/types';
import { hexagons } from '../stats/hexagons';
import type { AreaValue, StatsQuery, StatsService } from '../stats/stats';
import { access, assertCanSeeMunicipality } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';
import { CategoryList, Month } from '../../schemas/query';

/**
 * Statistics of reported issues. Restricted roles see every municipality and month (providers:
 * their jurisdiction). The anonymous public gets the same figures through disclosure control
 * (src/lib/domain/disclosure.ts, docs/disclosure.md): whole months, quarters or years only;
 * counts from 1 to 10 suppressed with what derives from them; sensitive categories only per
 * department and per quarter or year.
 */

const StatsParams = z.object({
	category: CategoryList,
	from: Month.optional(),
	to: Month.optional(),
	measure: z.enum(['count', 'rate', 'smoothed_rate']).default('count'),
	smoothing: z.enum(['global', 'local']).default('global'),
	compare_from: Month.optional(),
	compare_to: Month.optional()
});
type StatsParams = z.infer<typeof StatsParams>;

/** A value as published: the number, or null with the text shown instead. */
type PublishedValue = AreaValue & { suppressed?: string; previous?: number | null; change?: number | null };

function periodOf(
	stats: StatsService,
	p: { categories: readonly CategoryId[]; from?: string; to?: string }
): StatsQuery {
	const extent = stats.extent();
	const known = p.categories.map((c) => extent.categories[c]).filter((e) => e !== undefined);
	const fallbackFrom = known.length ? known.map((e) => e.from).sort()[0]! : '2000-01';
	const fallbackTo = known.length
		? known
				.map((e) => e.to)
				.sort()
				.at(-1)!
		: '2000-01';
	const from = monthIndex(p.from ?? fallbackFrom);
	const to = monthIndex(p.to ?? fallbackTo);
	if (to < from) throw new ApiError(400, 'invalid_request', '`to` is before `from`');
	return { categories: p.categories, from, to };
}

/**
 * Victims, cases and people are all counts of people or events and may be summed ("reports");
 * hectares may not be added to them, and have no rate per inhabitant.
 */
function assertSummable(categories: readonly CategoryId[], measure: string) {
	const units = new Set(categories.map((c) => categoryById(c).unit));
	if (units.has('hectares') && units.size > 1) {
		throw new ApiError(
			400,
			'mixed_units',
			`These categories count different things (${[...units].join(', ')}): hectares cannot be added to counts of people or events`
		);
	}
	if (measure !== 'count' && units.has('hectares')) {
		throw new ApiError(400, 'no_rate', 'Rates per inhabitant do not apply to hectares; use measure=count');
	}
}

/** The grid cell (whole month, quarter or year) a public period must be. */
function publicGrain(from: number, to: number): 'month' | 'quarter' | 'year' {
	const grain = gridGrain(from, to);
	if (grain) return grain;
	throw new ApiError(
		403,
		'disclosure',
		'The public sees whole months, quarters or years: from and to must span exactly one (e.g. from=2019-01&to=2019-12)'
	);
}

/**
 * The values and their total as the caller may see them. For the public, counts of people and
 * events go through `discloseTable` with the total published beside them: small counts are
 * suppressed, and complements too where the total would give a small count back. Hectares
 * identify nobody and are published as they are.
 */
function disclosed(
	values: AreaValue[],
	publicView: boolean,
	unit: Unit | 'reports',
	level: string
): { values: PublishedValue[]; total: number | null; totalSuppressed?: string } {
	const exact = values.reduce((sum, v) => sum + (v.count ?? 0), 0);
	if (!publicView || unit === 'hectares') return { values, total: exact };
	const cells = values
		.filter((v) => v.count !== null)
		.map((v) => ({ key: { [level]: v.code }, value: v.count! }));
	const table = discloseTable(cells, { dimensions: [level], totals: [{ [level]: 'all' }] });
	const hidden = new Map<string, string>();
	for (const cell of table.cells) if ('suppressed' in cell) hidden.set(cell.key[level]!, cell.display);
	const total = table.totals[0];
	return {
		values: values.map((v) => {
			const display = hidden.get(v.code);
			return display ? { ...v, value: null, count: null, suppressed: display } : v;
		}),
		total: total && 'value' in total ? total.value : null,
		...(total && 'suppressed' in total ? { totalSuppressed: total.display } : {})
	};
}

function withComparison(current: PublishedValue[], previous: PublishedValue[]): PublishedValue[] {
	const before = new Map(previous.map((v) => [v.code, v]));
	return current.map((v) => {
		const p = before.get(v.code);
		const prev = p?.value ?? null;
		return {
			...v,
			previous: prev,
			change: v.value !== null && prev !== null ? percentChange(prev, v.value) : null
		};
	});
}

function restrictToJurisdiction(
	values: PublishedValue[],
	user: SessionUser | null,
	level: 'municipality' | 'department'
) {
	if (!user || user.role !== 'provider') return values;
	return values.filter((v) =>
		level === 'municipality' ? canSeeMunicipality(user, v.code) : canSeeDepartment(user, v.code)
	);
}

export function statsRoutes({ stats, db }: ApiDeps & { stats: StatsService }) {
	// Public answers are the same for everyone and complementary suppression costs a few hundred
	// milliseconds on 1,122 municipalities: they are cached until the reports change.
	const publicCache = new Map<string, ReturnType<typeof areaStats>>();
	let cachedVersion = -1;
	const PUBLIC_CACHE_SIZE = 256;

	function cachedAreaStats(
		level: 'municipality' | 'department',
		params: StatsParams,
		user: SessionUser | null
	) {
		if (user !== null) return areaStats(level, params, user);
		const version = stats.snapshotInfo().version;
		if (version !== cachedVersion) {
			publicCache.clear();
			cachedVersion = version;
		}
		const key = `${level}|${JSON.stringify(params)}`;
		let result = publicCache.get(key);
		if (!result) {
			result = areaStats(level, params, user);
			if (publicCache.size >= PUBLIC_CACHE_SIZE) publicCache.delete(publicCache.keys().next().value!);
			publicCache.set(key, result);
		}
		return result;
	}

	function areaStats(level: 'municipality' | 'department', params: StatsParams, user: SessionUser | null) {
		const publicView = user === null;
		const measure = params.measure;
		assertSummable(params.category, measure);
		if (level === 'department' && measure === 'smoothed_rate') {
			throw new ApiError(400, 'invalid_request', 'Smoothed rates are computed per municipality');
		}
		const query = periodOf(stats, { categories: params.category, from: params.from, to: params.to });
		const compare =
			params.compare_from || params.compare_to
				? periodOf(stats, { categories: params.category, from: params.compare_from, to: params.compare_to })
				: null;
		if (publicView) {
			for (const q of [query, compare]) {
				if (!q) continue;
				const grain = publicGrain(q.from, q.to);
				const sensitive = params.category.filter((c) => isSensitiveCategory(c));
				if (sensitive.length > 0 && (level === 'municipality' || grain === 'month')) {
					throw new ApiError(
						403,
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
				publicView,
				unit,
				level
			);
		const result = compute(query);
		let values = result.values;
		if (compare) values = withComparison(values, compute(compare).values);
		// A provider's total covers its jurisdiction only.
		const visible = restrictToJurisdiction(values, user, level);
		const total =
			user?.role === 'provider' ? visible.reduce((sum, v) => sum + (v.count ?? 0), 0) : result.total;
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
			...(result.totalSuppressed && user?.role !== 'provider'
				? { totalSuppressed: result.totalSuppressed }
				: {}),
			values: visible
		};
	}

	return new Hono<AppEnv>()
		.get('/categories', access('public'), (c) => {
			c.header('Cache-Control', 'public, max-age=300');
			return c.json({ categories: CATEGORIES });
		})
		.get('/stats/extent', access('public'), (c) => c.json(stats.extent()))
		.get(
			'/reports/hexagons',
			access('restricted', { jurisdiction: true, note: 'point reports per H3 cell' }),
			validate(
				'query',
				z.object({
					category: CategoryList,
					from: Month,
					to: Month,
					resolution: z.coerce.number().int().min(4).max(8),
					bbox: z
						.string()
						.transform((text) => text.split(',').map(Number))
						.pipe(
							z
								.tuple([z.number().min(-180), z.number().min(-90), z.number().max(180), z.number().max(90)])
								.refine(([w, s, e, n]) => w < e && s < n, 'west < east and south < north')
						)
				})
			),
			(c) => {
				const q = c.req.valid('query');
				const result = hexagons(db, c.get('user')!, {
					categories: q.category,
					from: q.from,
					to: q.to,
					resolution: q.resolution,
					bbox: q.bbox as [number, number, number, number]
				});
				c.header('Cache-Control', 'private, no-store');
				return c.json({ resolution: q.resolution, ...result });
			}
		)
		.get(
			'/stats/municipalities',
			access('public', { jurisdiction: true }),
			validate('query', StatsParams),
			(c) => c.json(cachedAreaStats('municipality', c.req.valid('query'), c.get('user')))
		)
		.get(
			'/stats/departments',
			access('public', { jurisdiction: true }),
			validate('query', StatsParams),
			(c) => c.json(cachedAreaStats('department', c.req.valid('query'), c.get('user')))
		)
		.get(
			'/municipalities/:code/timeseries',
			access('public', { jurisdiction: true }),
			validate('param', z.object({ code: MunicipalityCode })),
			validate('query', z.object({ category: CategoryList, from: Month.optional(), to: Month.optional() })),
			(c) => {
				const { code } = c.req.valid('param');
				const { category, from, to } = c.req.valid('query');
				const user = c.get('user');
				// The public sees every municipality's published figures; providers their jurisdiction.
				if (user) assertCanSeeMunicipality(user, code);
				if (user === null) {
					const sensitive = category.filter((id) => isSensitiveCategory(id));
					if (sensitive.length > 0) {
						throw new ApiError(403, 'disclosure', `${sensitive.join(', ')}: monthly series are not public`);
					}
				}
				assertSummable(category, 'count');
				const series = stats
					.timeseries(code, category, from ? monthIndex(from) : undefined, to ? monthIndex(to) : undefined)
					.map((point) =>
						user === null && unitOf(category) !== 'hectares' && isSmallCount(point.count)
							? { month: point.month, count: null, suppressed: smallCellDisplay() }
							: point
					);
				return c.json({ code, categories: category, unit: unitOf(category), series });
			}
		)
		.get(
			'/municipalities/:code/summary',
			access('public', { jurisdiction: true }),
			validate('param', z.object({ code: MunicipalityCode })),
			validate('query', z.object({ from: Month.optional(), to: Month.optional() })),
			(c) => {
				const { code } = c.req.valid('param');
				const user = c.get('user');
				// The public sees every municipality's published figures; providers their jurisdiction.
				if (user) assertCanSeeMunicipality(user, code);
				const q = c.req.valid('query');
				const extent = stats.extent();
				if (!extent.from || !extent.to) return c.json({ code, from: null, to: null, categories: [] });
				const from = q.from ?? extent.from;
				const to = q.to ?? extent.to;
				if (user === null) publicGrain(monthIndex(from), monthIndex(to));
				const categories = stats
					.summary(code, monthIndex(from), monthIndex(to))
					.filter((s) => user !== null || !isSensitiveCategory(s.category))
					.map((s) =>
						user === null &&
						s.count !== null &&
						unitOf([s.category as CategoryId]) !== 'hectares' &&
						isSmallCount(s.count)
							? { ...s, count: null, suppressed: smallCellDisplay() }
							: s
					);
				return c.json({ code, from, to, categories });
			}
		);
}

/** The unit of a sum: the categories' own when they share one, else "reports". */
function unitOf(categories: readonly CategoryId[]): Unit | 'reports' {
	const units = new Set(categories.map((c) => categoryById(c).unit));
	return units.size === 1 ? [...units][0]! : 'reports';
}
