import { MIN_POINT_REPORTS, patrolCells, weekdayPattern, type PointReport } from '$lib/domain/patrol-cells';
import type { PatrolOptions, PatrolResult } from '$lib/schemas/analysis';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import type { Scope } from '../scope';

/**
 * The providers' patrol view: point reports inside the caller's scope (src/lib/server/scope.ts;
 * optionally, one department or municipality of it), up to the end of `to`, summed on H3 cells by
 * src/lib/domain/patrol-cells.ts.
 */

export type PatrolQuery = {
	categories: readonly string[];
	categoryWeights: Readonly<Record<string, number>>;
	/** Last month included (YYYY-MM). */
	to: string;
	resolution: number;
	halfLifeDays: number;
	/** A department (2 digits) or municipality (5 digits) inside the jurisdiction, or null. */
	area: string | null;
};

const DAY_MS = 86_400_000;

/** The middle of what the date says: a day, the 15th of a month, or 1 July of a year. */
function dateOf(date: string, precision: string): number {
	if (precision === 'day') return Date.parse(`${date.slice(0, 10)}T12:00:00Z`);
	if (precision === 'month') return Date.parse(`${date.slice(0, 7)}-15T12:00:00Z`);
	return Date.parse(`${date.slice(0, 4)}-07-01T12:00:00Z`);
}

export function endOfMonth(month: string): number {
	const [y, m] = month.split('-').map(Number) as [number, number];
	return Date.UTC(y, m, 1) - 1;
}

export function patrolView(db: DB, scope: Scope, query: PatrolQuery): PatrolResult {
	const end = endOfMonth(query.to);
	const rows = statement(
		db,
		`SELECT lon, lat, category, date, date_precision AS precision, count FROM reports
		 WHERE lon IS NOT NULL AND category IN (SELECT value FROM json_each(@categories)) AND month <= @to
		   AND (@area IS NULL OR municipality_code = @area OR substr(municipality_code, 1, 2) = @area)
		   AND (@unrestricted = 1
		     OR substr(municipality_code, 1, 2) IN (SELECT value FROM json_each(@departments))
		     OR municipality_code IN (SELECT value FROM json_each(@municipalities)))`
	).all({
		categories: JSON.stringify(query.categories),
		to: query.to,
		area: query.area,
		...scope.sqlParams
	}) as { lon: number; lat: number; category: string; date: string; precision: string; count: number }[];

	const points: PointReport[] = rows.map((r) => {
		const at = dateOf(r.date, r.precision);
		return {
			lon: r.lon,
			lat: r.lat,
			category: r.category,
			ageDays: Math.max(0, (end - at) / DAY_MS),
			// getUTCDay: 0 is Sunday; the view starts the week on Monday, as Colombia does.
			weekday: r.precision === 'day' ? (new Date(at).getUTCDay() + 6) % 7 : null,
			count: r.count
		};
	});
	const tooFew = points.length < MIN_POINT_REPORTS;
	const weekdays = weekdayPattern(points);
	return {
		pointReports: points.length,
		tooFew,
		cells: tooFew
			? []
			: patrolCells(points, {
					resolution: query.resolution,
					halfLifeDays: query.halfLifeDays,
					categoryWeights: query.categoryWeights
				}),
		weekdays: weekdays.some((n) => n > 0) ? weekdays : null,
		hours: null,
		window: { to: query.to }
	};
}

/**
 * What the patrol view can be asked for, inside the caller's jurisdiction. Each query spells out
 * the standard jurisdiction restriction (src/lib/server/auth/jurisdiction.ts): no SQL is built.
 */
export function patrolOptions(db: DB, scope: Scope): PatrolOptions {
	const params = scope.sqlParams;
	const categories = statement(
		db,
		`SELECT category AS id, count(*) AS pointReports, max(month) AS "to" FROM reports
		 WHERE lon IS NOT NULL
		   AND (@unrestricted = 1
		     OR substr(municipality_code, 1, 2) IN (SELECT value FROM json_each(@departments))
		     OR municipality_code IN (SELECT value FROM json_each(@municipalities)))
		 GROUP BY category ORDER BY pointReports DESC`
	).all(params) as PatrolOptions['categories'];
	const departments = statement(
		db,
		`SELECT code, name FROM departments
		 WHERE @unrestricted = 1 OR code IN (SELECT value FROM json_each(@departments)) ORDER BY name`
	).all(params) as { code: string; name: string }[];
	if (scope.unrestricted) {
		// The whole country: departments only (1,122 municipalities would not fit a list), no frame.
		return { categories, areas: departments.map((d) => ({ ...d, kind: 'department' as const })), bbox: null };
	}
	const municipalities = statement(
		db,
		`SELECT m.code, m.name || ' (' || d.name || ')' AS name FROM municipalities m
		 JOIN departments d ON d.code = m.department_code
		 WHERE substr(m.code, 1, 2) IN (SELECT value FROM json_each(@departments))
		    OR m.code IN (SELECT value FROM json_each(@municipalities))
		 ORDER BY m.name`
	).all(params) as { code: string; name: string }[];
	const box = statement(
		db,
		`SELECT min(bbox_west) AS w, min(bbox_south) AS s, max(bbox_east) AS e, max(bbox_north) AS n
		 FROM municipalities
		 WHERE substr(code, 1, 2) IN (SELECT value FROM json_each(@departments))
		    OR code IN (SELECT value FROM json_each(@municipalities))`
	).get(params) as { w: number | null; s: number; e: number; n: number };
	return {
		categories,
		areas: [
			...departments.map((d) => ({ ...d, kind: 'department' as const })),
			...municipalities.map((m) => ({ ...m, kind: 'municipality' as const }))
		],
		bbox: box.w === null ? null : [box.w, box.s, box.e, box.n]
	};
}
