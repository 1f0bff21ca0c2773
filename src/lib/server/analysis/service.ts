import type { CategoryId } from '$lib/domain/categories';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { cellsToGeoJSON } from '$lib/domain/patrol-cells';
import type {
	EmergingHotSpotsParams,
	EmergingHotSpotsResult,
	PatrolOptions,
	PatrolParams,
	PatrolResult,
	PriorityInputs,
	PriorityInputsQuery,
	SavedScenario,
	ScenarioInput,
	SpatialParams,
	SpatialResult,
	SpatialStatistic
} from '$lib/schemas/analysis';
import { audit } from '../auth/audit';
import type { Role } from '../auth/types';
import { statement } from '../db/statements';
import { ServiceError } from '../errors';
import { scopeOf, type Scope } from '../scope';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { calendarSteps, emergingHotSpotsOf, STEP_MONTHS } from './emerging-hot-spots';
import { patrolOptions, patrolView } from './patrol';
import { priorityInputs } from './priority-inputs';
import { spatialStatistic } from './spatial';

/**
 * Setting priorities: the inputs of the planners' priority index and their saved scenarios, the
 * local spatial statistics, and the providers' patrol cells. Planners and admins rank the whole
 * country; providers see statistics and patrol cells inside their jurisdiction only (through
 * `scopeOf`). Nothing here is public: these are working tools, and the patrol cells are built
 * from point reports. The API and the pages check the role first; these functions check it again
 * (as the users service does), so no caller can skip it.
 */

const PLANNERS = ['admin', 'planner'] as const satisfies readonly Role[];
const ANALYSTS = ['admin', 'planner', 'provider'] as const satisfies readonly Role[];

function assertRole(viewer: Viewer, roles: readonly Role[]): void {
	if (!viewer.user || !roles.includes(viewer.user.role)) {
		throw new ServiceError('forbidden', `Only ${roles.join(', ')} may use this`);
	}
}

type ScenarioRow = Omit<SavedScenario, 'settings'> & { settings: string };

export function createAnalysisService({ db, stats, release }: ServiceDeps) {
	const sources = { stats, release };

	/**
	 * The default end of a window: the latest month with data in any of the categories (patrol
	 * cells), or the latest month all of them reach (the index, whose 12-month window would
	 * otherwise rank a category on months it has no data for). A provider's comes from the public
	 * release (scope.extent): the last month with a report anywhere is a fact about outside data.
	 */
	const latestMonth = (scope: Scope, categories: readonly CategoryId[], all = false) => {
		const extent = scope.extent(sources);
		const ends = categories.map((c) => extent.categories[c]?.to).filter((m): m is string => !!m);
		if (ends.length === 0) throw new ServiceError('no_data', 'No reports in these categories yet');
		ends.sort();
		return all ? ends[0]! : ends.at(-1)!;
	};

	/**
	 * Refuses a patrol area outside the scope. A department is open when any part of it is inside:
	 * the cells are summed from the point reports inside the scope only, so, unlike a department
	 * aggregate (`scope.assertArea`), they show nothing of the rest of the department.
	 */
	const assertPatrolArea = (scope: Scope, area: string) => {
		if (area.length === 5) return scope.assertMunicipality(area);
		if (scope.includesDepartment(area)) return;
		const municipalities = statement(db, 'SELECT code FROM municipalities WHERE department_code = ?')
			.pluck()
			.all(area) as string[];
		if (scope.keep(municipalities, (code) => code).length === 0) {
			throw new ServiceError('outside_jurisdiction', `Department ${area} is outside your jurisdiction`);
		}
	};

	const patrol = (viewer: Viewer, p: PatrolParams): PatrolResult => {
		assertRole(viewer, ANALYSTS);
		const scope = scopeOf(viewer);
		if (p.area) assertPatrolArea(scope, p.area);
		return patrolView(db, scope, {
			categories: p.category,
			categoryWeights: p.weights ?? {},
			to: p.to ?? latestMonth(scope, p.category),
			resolution: p.resolution,
			halfLifeDays: p.half_life_days,
			area: p.area ?? null
		});
	};

	return {
		/**
		 * Local Moran or Gi* on the whole country (neighbours cross any border), shown inside the
		 * scope. A provider's is computed on its view of the country (scope.countView: exact inside,
		 * the public release outside), so that a border municipality's statistic, its permutation
		 * p-value and the FDR correction encode no exact outside count.
		 */
		spatial(viewer: Viewer, kind: SpatialStatistic, p: SpatialParams): SpatialResult {
			assertRole(viewer, ANALYSTS);
			const scope = scopeOf(viewer);
			const to = p.to ?? latestMonth(scope, p.category, true);
			const from = p.from ?? monthLabel(monthIndex(to) - 11);
			if (from > to) throw new ServiceError('invalid_request', '`from` must not be after `to`');
			const view = scope.countView(sources, {
				categories: p.category,
				from: monthIndex(from),
				to: monthIndex(to)
			});
			const result = spatialStatistic(
				stats,
				kind,
				{ ...p, categories: p.category, from, to },
				view,
				scope.coverageOf(sources)
			);
			result.values = scope.keep(result.values, (v) => v.code);
			return result;
		},

		/**
		 * Emerging Hot Spot Analysis per quarter or year, shown inside the scope. As `spatial`, a
		 * provider's is computed on its view of the country, step by step (scope.countView of each
		 * step's months): exact inside, the public release outside, so that no step's Gi*, its
		 * permutation p-value, the FDR correction or the trend encodes an exact outside count.
		 */
		emergingHotSpots(viewer: Viewer, p: EmergingHotSpotsParams): EmergingHotSpotsResult {
			assertRole(viewer, ANALYSTS);
			const scope = scopeOf(viewer);
			const months = STEP_MONTHS[p.step];
			// By default, the last step the latest month completes (a partial last step would be
			// compared with whole ones), and 6 years of steps before it.
			const latest = monthIndex(p.to ?? latestMonth(scope, p.category, true));
			const to = p.to ? latest : latest - ((latest + 1) % months);
			const from = p.from ? monthIndex(p.from) : to - 6 * 12 + 1;
			if (from > to) throw new ServiceError('invalid_request', '`from` must not be after `to`');
			const steps = calendarSteps(from, to, p.step);
			if (steps.length < 4 || steps.length > 120) {
				throw new ServiceError(
					'invalid_request',
					`Between 4 and 120 steps are needed; ${steps.length} asked`
				);
			}
			const coverageOf = scope.coverageOf(sources);
			const result = emergingHotSpotsOf(
				stats,
				{
					categories: p.category,
					from: steps[0]!.from,
					to: steps.at(-1)!.to,
					step: p.step,
					measure: p.measure,
					significance: p.significance,
					permutations: p.permutations,
					seed: p.seed,
					alpha: p.alpha
				},
				(window) => scope.countView(sources, { categories: p.category, ...window }),
				coverageOf
			);
			result.values = scope.keep(result.values, (v) => v.code);
			return result;
		},

		/**
		 * The raw indicators of the priority index for every municipality (planners rank the whole
		 * country). Planners and admins only: they are exact national figures, which no scope may
		 * narrow safely (tests/api/scope.spec.ts checks that a provider is refused).
		 */
		priorityInputs(viewer: Viewer, { category, to }: PriorityInputsQuery): PriorityInputs {
			assertRole(viewer, PLANNERS);
			const end = monthIndex(to ?? latestMonth(scopeOf(viewer), category, true));
			return priorityInputs(db, stats, category, end, new Date().toISOString().slice(0, 10));
		},

		scenarios(viewer: Viewer): { scenarios: SavedScenario[] } {
			assertRole(viewer, PLANNERS);
			const rows = statement(
				db,
				`SELECT s.id, s.name, s.settings, s.created_at AS createdAt, u.email AS createdBy
				 FROM priority_scenarios s LEFT JOIN users u ON u.id = s.created_by ORDER BY s.name`
			).all() as ScenarioRow[];
			// Settings were validated (ScenarioInput) before they were stored.
			return {
				scenarios: rows.map((r) => ({ ...r, settings: JSON.parse(r.settings) as SavedScenario['settings'] }))
			};
		},

		/** Saves a named scenario and audits it in one transaction; a taken name is a conflict. */
		saveScenario(viewer: Viewer, { name, settings }: ScenarioInput): { id: number } {
			assertRole(viewer, PLANNERS);
			const id = db.transaction(() => {
				const row = statement(
					db,
					`INSERT INTO priority_scenarios (name, settings, created_by) VALUES (?, ?, ?)
					 ON CONFLICT (name) DO NOTHING RETURNING id`
				).get(name, JSON.stringify(settings), viewer.actor?.id ?? null) as { id: number } | undefined;
				if (!row) return null;
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'scenarios.create',
					target: `scenario:${row.id}`,
					details: { name }
				});
				return row.id;
			})();
			if (id === null) throw new ServiceError('conflict', `A scenario named "${name}" already exists`);
			return { id };
		},

		/** Deletes a scenario and audits it in one transaction. */
		deleteScenario(viewer: Viewer, id: number): { deleted: number } {
			assertRole(viewer, PLANNERS);
			const deleted = db.transaction(() => {
				const row = statement(db, 'DELETE FROM priority_scenarios WHERE id = ? RETURNING name').get(id) as
					{ name: string } | undefined;
				if (row)
					audit(db, {
						actor: viewer.actor,
						ip: viewer.ip,
						action: 'scenarios.delete',
						target: `scenario:${id}`,
						details: { name: row.name }
					});
				return row !== undefined;
			})();
			if (!deleted) throw new ServiceError('not_found', `No scenario ${id}`);
			return { deleted: id };
		},

		/** The located issues, areas and frame the patrol view can be asked for, inside the scope. */
		patrolOptions(viewer: Viewer): PatrolOptions {
			assertRole(viewer, ANALYSTS);
			return patrolOptions(db, scopeOf(viewer));
		},

		patrol,

		/** The patrol cells as a GeoJSON download; every export is audited. */
		patrolGeoJson(viewer: Viewer, p: PatrolParams) {
			const result = patrol(viewer, p);
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'patrol.export',
				target: 'patrol_cells',
				details: { categories: p.category, area: p.area ?? null, cells: result.cells.length }
			});
			return {
				filename: `celdas-patrullaje-${result.window.to}.geojson`,
				geojson: cellsToGeoJSON(result.cells, {
					categories: p.category,
					to: result.window.to,
					resolution: p.resolution,
					half_life_days: p.half_life_days,
					point_reports: result.pointReports
				})
			};
		}
	};
}

export type AnalysisService = ReturnType<typeof createAnalysisService>;
