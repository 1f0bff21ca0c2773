import { Hono } from 'hono';
import { z } from 'zod';
import { categoryById, type CategoryId } from '$lib/domain/categories';
import { cellsToGeoJSON } from '$lib/domain/patrol-cells';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { CategoryList, Flag, Month } from '../../schemas/query';
import { patrolOptions, patrolView } from '../analysis/patrol';
import { priorityInputs } from '../analysis/priority-inputs';
import type { SpatialResult } from '$lib/schemas/analysis';
import { spatialStatistic } from '../analysis/spatial';
import { inJurisdiction, jurisdictionFilter } from '../auth/jurisdiction';
import type { StatsService } from '../stats/stats';
import { access, assertCanSeeMunicipality, audit, clientIp } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

/**
 * Setting priorities: the inputs of the planners' priority index and their saved scenarios, and
 * the providers' patrol cells. Planners and admins rank the whole country; providers see patrol
 * cells inside their jurisdiction only. Nothing here is public: these are working tools, and the
 * patrol cells are built from point reports.
 */

const PLANNERS = ['admin', 'planner'] as const;

/** `weights=homicide:2,extortion:0.5`: a weight per category, 0–10. */
const CategoryWeights = z
	.string()
	.max(600)
	.transform((text, ctx) => {
		const out: Record<string, number> = {};
		for (const part of text.split(',').filter(Boolean)) {
			const [id, value] = part.split(':');
			const weight = Number(value);
			if (!id || !categoryById(id as CategoryId) || !(weight >= 0 && weight <= 10))
				ctx.addIssue({ code: 'custom', message: `"${part.slice(0, 40)}" is not category:weight (0–10)` });
			else out[id] = weight;
		}
		return out;
	});

const PatrolParams = z.object({
	category: CategoryList,
	weights: CategoryWeights.optional(),
	to: Month.optional(),
	resolution: z.coerce.number().int().min(5).max(9).default(7),
	half_life_days: z.coerce.number().int().min(7).max(3650).default(365),
	area: z
		.string()
		.regex(/^\d{2}(\d{3})?$/, 'must be a department (2 digits) or municipality (5 digits) code')
		.optional()
});

const SpatialParams = z
	.object({
		category: CategoryList,
		from: Month.optional(),
		to: Month.optional(),
		measure: z.enum(['rate', 'smoothed_rate']).default('rate'),
		permutations: z.coerce.number().int().min(99).max(9999).default(999),
		seed: z.coerce
			.number()
			.int()
			.min(0)
			.max(2 ** 32 - 1)
			.default(2021),
		fdr: Flag.default(false),
		alpha: z.coerce.number().min(0.0001).max(0.2).default(0.05)
	})
	.refine((p) => !p.from || !p.to || p.from <= p.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});

const Settings = z.object({
	categories: z.array(z.string().max(40)).min(1).max(20),
	weights: z.record(z.string().max(60), z.number().min(0).max(10)),
	to: Month.nullable().default(null)
});
const ScenarioInput = z.object({ name: z.string().trim().min(1).max(80), settings: Settings });

export function analysisRoutes({ db, stats }: ApiDeps & { stats: StatsService }) {
	/**
	 * The default end of a window: the latest month with data in any of the categories (patrol
	 * cells), or the latest month all of them reach (the index, whose 12-month window would
	 * otherwise rank a category on months it has no data for).
	 */
	const latestMonth = (categories: readonly CategoryId[], all = false) => {
		const extent = stats.extent();
		const ends = categories.map((c) => extent.categories[c]?.to).filter((m): m is string => !!m);
		if (ends.length === 0) throw new ApiError(404, 'no_data', 'No reports in these categories yet');
		ends.sort();
		return all ? ends[0]! : ends.at(-1)!;
	};

	const patrol = (user: Parameters<typeof jurisdictionFilter>[0], p: z.infer<typeof PatrolParams>) => {
		const filter = jurisdictionFilter(user);
		if (p.area?.length === 5) assertCanSeeMunicipality(user, p.area);
		if (
			p.area?.length === 2 &&
			filter !== null &&
			!filter.departments.includes(p.area) &&
			!filter.municipalities.some((m) => m.startsWith(p.area!))
		)
			throw new ApiError(403, 'outside_jurisdiction', `Department ${p.area} is outside your jurisdiction`);
		return patrolView(db, filter, {
			categories: p.category,
			categoryWeights: p.weights ?? {},
			to: p.to ?? latestMonth(p.category),
			resolution: p.resolution,
			halfLifeDays: p.half_life_days,
			area: p.area ?? null
		});
	};

	/** Local Moran or Gi*: computed on the whole country (neighbours cross any border), shown inside the jurisdiction. */
	const spatial = (
		kind: SpatialResult['statistic'],
		user: Parameters<typeof jurisdictionFilter>[0],
		p: z.infer<typeof SpatialParams>
	) => {
		const to = p.to ?? latestMonth(p.category, true);
		const from = p.from ?? monthLabel(monthIndex(to) - 11);
		if (from > to) throw new ApiError(400, 'invalid_request', '`from` must not be after `to`');
		const result = spatialStatistic(stats, kind, { ...p, categories: p.category, from, to });
		const filter = jurisdictionFilter(user);
		if (filter) result.values = result.values.filter((v) => inJurisdiction(filter, v.code));
		return result;
	};

	return new Hono<AppEnv>()
		.get(
			'/analysis/local-moran',
			access(['admin', 'planner', 'provider'], { jurisdiction: true }),
			validate('query', SpatialParams),
			(c) => c.json(spatial('local-moran', c.get('user'), c.req.valid('query')))
		)
		.get(
			'/analysis/getis-ord',
			access(['admin', 'planner', 'provider'], { jurisdiction: true }),
			validate('query', SpatialParams),
			(c) => c.json(spatial('getis-ord', c.get('user'), c.req.valid('query')))
		)
		.get(
			'/analysis/priority-inputs',
			access(PLANNERS),
			validate('query', z.object({ category: CategoryList, to: Month.optional() })),
			(c) => {
				const { category, to } = c.req.valid('query');
				const end = monthIndex(to ?? latestMonth(category, true));
				return c.json(priorityInputs(db, stats, category, end, new Date().toISOString().slice(0, 10)));
			}
		)
		.get('/analysis/scenarios', access(PLANNERS), (c) => {
			const rows = db
				.prepare(
					`SELECT s.id, s.name, s.settings, s.created_at AS createdAt, u.email AS createdBy
					 FROM priority_scenarios s LEFT JOIN users u ON u.id = s.created_by ORDER BY s.name`
				)
				.all() as {
				id: number;
				name: string;
				settings: string;
				createdAt: string;
				createdBy: string | null;
			}[];
			return c.json({ scenarios: rows.map((r) => ({ ...r, settings: JSON.parse(r.settings) as unknown })) });
		})
		.post('/analysis/scenarios', access(PLANNERS), validate('json', ScenarioInput), (c) => {
			const { name, settings } = c.req.valid('json');
			const user = c.get('user')!;
			const id = db.transaction(() => {
				const row = db
					.prepare(
						`INSERT INTO priority_scenarios (name, settings, created_by) VALUES (?, ?, ?)
						 ON CONFLICT (name) DO NOTHING RETURNING id`
					)
					.get(name, JSON.stringify(settings), user.id) as { id: number } | undefined;
				if (!row) return null;
				audit(db, {
					actor: user,
					action: 'scenarios.create',
					target: `scenario:${row.id}`,
					details: { name },
					ip: clientIp(c)
				});
				return row.id;
			})();
			if (id === null) throw new ApiError(409, 'conflict', `A scenario named "${name}" already exists`);
			return c.json({ id }, 201);
		})
		.delete(
			'/analysis/scenarios/:id',
			access(PLANNERS),
			validate('param', z.object({ id: z.coerce.number().int().positive() })),
			(c) => {
				const { id } = c.req.valid('param');
				const deleted = db.transaction(() => {
					const row = db.prepare('DELETE FROM priority_scenarios WHERE id = ? RETURNING name').get(id) as
						{ name: string } | undefined;
					if (row)
						audit(db, {
							actor: c.get('user'),
							action: 'scenarios.delete',
							target: `scenario:${id}`,
							details: { name: row.name },
							ip: clientIp(c)
						});
					return row !== undefined;
				})();
				if (!deleted) throw new ApiError(404, 'not_found', `No scenario ${id}`);
				return c.json({ deleted: id });
			}
		)
		.get('/analysis/patrol-options', access(['admin', 'planner', 'provider'], { jurisdiction: true }), (c) =>
			c.json(patrolOptions(db, jurisdictionFilter(c.get('user'))))
		)
		.get(
			'/analysis/patrol',
			access(['admin', 'planner', 'provider'], { jurisdiction: true }),
			validate('query', PatrolParams),
			(c) => c.json(patrol(c.get('user'), c.req.valid('query')))
		)
		.get(
			'/analysis/patrol.geojson',
			access(['admin', 'planner', 'provider'], { jurisdiction: true, note: 'export, audited' }),
			validate('query', PatrolParams),
			(c) => {
				const p = c.req.valid('query');
				const result = patrol(c.get('user'), p);
				audit(db, {
					actor: c.get('user'),
					action: 'patrol.export',
					target: 'patrol_cells',
					details: { categories: p.category, area: p.area ?? null, cells: result.cells.length },
					ip: clientIp(c)
				});
				c.header('Content-Type', 'application/geo+json; charset=utf-8');
				c.header(
					'Content-Disposition',
					`attachment; filename="celdas-patrullaje-${result.window.to}.geojson"`
				);
				return c.body(
					JSON.stringify(
						cellsToGeoJSON(result.cells, {
							categories: p.category,
							to: result.window.to,
							resolution: p.resolution,
							half_life_days: p.half_life_days,
							point_reports: result.pointReports
						})
					)
				);
			}
		);
}
