import { latLngToCell } from 'h3-js';
import type { HexagonQuery } from '../../schemas/reports';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import type { Scope } from '../scope';

/**
 * Point reports aggregated to H3 hexagons (Uber's hierarchical hexagonal grid, h3-js) inside a
 * bounding box, for restricted roles at close zoom. Points are whatever precision the source gives
 * (CNMH: reference points of municipalities or populated centres), so cells are never finer than
 * about 1 km² (resolution 8). Only the points of municipalities inside the scope are read
 * (providers: their jurisdiction), in SQL before the row limit, so that neither the cut nor
 * `truncated` depends on points outside it (issue 14).
 */

export type Hexagon = { h3: string; count: number; reports: number };

type PointRow = [lon: number, lat: number, count: number];

/** The most points one answer aggregates; beyond it, zoom in. */
export const MAX_POINTS = 200_000;

export function hexagons(
	db: DB,
	scope: Scope,
	query: HexagonQuery,
	maxPoints = MAX_POINTS
): { cells: Hexagon[]; truncated: boolean } {
	const [west, south, east, north] = query.bbox;
	const rows = statement(
		db,
		`SELECT lon, lat, count FROM reports
		 WHERE category IN (SELECT value FROM json_each(@categories)) AND month BETWEEN @from AND @to
		   AND lon IS NOT NULL AND lon BETWEEN @west AND @east AND lat BETWEEN @south AND @north
		   AND (@unrestricted = 1
		     OR substr(municipality_code, 1, 2) IN (SELECT value FROM json_each(@departments))
		     OR municipality_code IN (SELECT value FROM json_each(@municipalities)))
		 LIMIT @limit`
	)
		.raw()
		.all({
			categories: JSON.stringify(query.category),
			from: query.from,
			to: query.to,
			west,
			east,
			south,
			north,
			limit: maxPoints + 1,
			...scope.sqlParams
		}) as PointRow[];
	const cells = new Map<string, Hexagon>();
	for (const [lon, lat, count] of rows.slice(0, maxPoints)) {
		const h3 = latLngToCell(lat, lon, query.resolution);
		const cell = cells.get(h3) ?? { h3, count: 0, reports: 0 };
		cell.count += count;
		cell.reports += 1;
		cells.set(h3, cell);
	}
	return { cells: [...cells.values()], truncated: rows.length > maxPoints };
}
