import { latLngToCell } from 'h3-js';
import type { CategoryId } from '$lib/domain/categories';
import { canSeeMunicipality } from '../auth/jurisdiction';
import type { SessionUser } from '../auth/types';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';

/**
 * Point reports aggregated to H3 hexagons (Uber's hierarchical hexagonal grid, h3-js) inside a
 * bounding box, for restricted roles at close zoom. Points are whatever precision the source gives
 * (CNMH: reference points of municipalities or populated centres), so cells are never finer than
 * about 1 km² (resolution 8). Providers get only the points of municipalities in their jurisdiction.
 */

export type HexagonQuery = {
	categories: readonly CategoryId[];
	from: string;
	to: string;
	resolution: number;
	bbox: [west: number, south: number, east: number, north: number];
};

export type Hexagon = { h3: string; count: number; reports: number };

/** The most points one answer aggregates; beyond it, zoom in. */
export const MAX_POINTS = 200_000;

export function hexagons(
	db: DB,
	user: SessionUser,
	query: HexagonQuery
): { cells: Hexagon[]; truncated: boolean } {
	const placeholders = query.categories.map(() => '?').join(',');
	const rows = statement(
		db,
		`SELECT municipality_code AS code, lon, lat, count FROM reports
		 WHERE category IN (${placeholders}) AND month BETWEEN ? AND ? AND lon IS NOT NULL
		   AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?
		 LIMIT ${MAX_POINTS + 1}`
	)
		.raw()
		.all(
			...query.categories,
			query.from,
			query.to,
			query.bbox[0],
			query.bbox[2],
			query.bbox[1],
			query.bbox[3]
		) as [string, number, number, number][];
	const cells = new Map<string, Hexagon>();
	for (const [code, lon, lat, count] of rows.slice(0, MAX_POINTS)) {
		if (!canSeeMunicipality(user, code)) continue;
		const h3 = latLngToCell(lat, lon, query.resolution);
		const cell = cells.get(h3) ?? { h3, count: 0, reports: 0 };
		cell.count += count;
		cell.reports += 1;
		cells.set(h3, cell);
	}
	return { cells: [...cells.values()], truncated: rows.length > MAX_POINTS };
}
