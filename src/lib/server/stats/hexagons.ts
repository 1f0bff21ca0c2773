import { latLngToCell } from 'h3-js';
import type { HexagonQuery } from '../../schemas/reports';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import type { Scope } from '../scope';

/**
 * Point reports aggregated to H3 hexagons (Uber's hierarchical hexagonal grid, h3-js) inside a
 * bounding box, for restricted roles at close zoom. Points are whatever precision the source gives
 * (CNMH: reference points of municipalities or populated centres), so cells are never finer than
 * about 1 km² (resolution 8). Only the points of municipalities inside the scope are counted
 * (providers: their jurisdiction).
 */

export type Hexagon = { h3: string; count: number; reports: number };

type PointRow = [code: string, lon: number, lat: number, count: number];

/** The most points one answer aggregates; beyond it, zoom in. */
export const MAX_POINTS = 200_000;

export function hexagons(
	db: DB,
	scope: Scope,
	query: HexagonQuery
): { cells: Hexagon[]; truncated: boolean } {
	const [west, south, east, north] = query.bbox;
	const placeholders = query.category.map(() => '?').join(',');
	const rows = statement(
		db,
		`SELECT municipality_code AS code, lon, lat, count FROM reports
		 WHERE category IN (${placeholders}) AND month BETWEEN ? AND ? AND lon IS NOT NULL
		   AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?
		 LIMIT ${MAX_POINTS + 1}`
	)
		.raw()
		.all(...query.category, query.from, query.to, west, east, south, north) as PointRow[];
	const cells = new Map<string, Hexagon>();
	for (const [code, lon, lat, count] of rows.slice(0, MAX_POINTS)) {
		if (!scope.includesMunicipality(code)) continue;
		const h3 = latLngToCell(lat, lon, query.resolution);
		const cell = cells.get(h3) ?? { h3, count: 0, reports: 0 };
		cell.count += count;
		cell.reports += 1;
		cells.set(h3, cell);
	}
	return { cells: [...cells.values()], truncated: rows.length > MAX_POINTS };
}
