import { cellToBoundary, latLngToCell } from 'h3-js';

/**
 * Hot spots of point reports for security providers: reports summed on H3 cells (Uber's hexagonal
 * grid), each weighted by its category's weight and by its recency, an exponential decay with a
 * half-life (a report one half-life old counts half). Pure: the server feeds it the points a
 * provider may see.
 */

export type PointReport = {
	lon: number;
	lat: number;
	category: string;
	/** Days from the report's date to the end of the window (≥ 0). */
	ageDays: number;
	/** Day of the week (0 = Monday … 6 = Sunday) when the source gives the day, else null. */
	weekday: number | null;
	count: number;
};

export type CellOptions = {
	resolution: number;
	halfLifeDays: number;
	/** Category → weight; categories not listed weigh 1. */
	categoryWeights?: Readonly<Record<string, number>>;
	/** Reports younger than this many days are "recent" for the trend (default 365). */
	recentDays?: number;
};

export type PatrolCell = {
	h3: string;
	/** Σ count × category weight × 0.5^(age / half-life). */
	score: number;
	/** Victims or events, unweighted, and the number of report rows. */
	count: number;
	reports: number;
	/** Counts in the recent period and in the period of the same length before it. */
	recent: number;
	before: number;
	/** Categories by count, largest first (at most three). */
	mainCategories: { category: string; count: number }[];
};

/** Weight of a report `ageDays` old with the given half-life. */
export function recencyWeight(ageDays: number, halfLifeDays: number): number {
	return Math.pow(0.5, Math.max(0, ageDays) / halfLifeDays);
}

/** Fewer point reports than this in the area and period: no cells are drawn, the view says so. */
export const MIN_POINT_REPORTS = 30;

export function patrolCells(points: Iterable<PointReport>, options: CellOptions): PatrolCell[] {
	const recentDays = options.recentDays ?? 365;
	const cells = new Map<string, PatrolCell & { byCategory: Map<string, number> }>();
	for (const p of points) {
		const h3 = latLngToCell(p.lat, p.lon, options.resolution);
		let cell = cells.get(h3);
		if (!cell) {
			cell = {
				h3,
				score: 0,
				count: 0,
				reports: 0,
				recent: 0,
				before: 0,
				mainCategories: [],
				byCategory: new Map()
			};
			cells.set(h3, cell);
		}
		const weight = options.categoryWeights?.[p.category] ?? 1;
		cell.score += p.count * weight * recencyWeight(p.ageDays, options.halfLifeDays);
		cell.count += p.count;
		cell.reports += 1;
		if (p.ageDays < recentDays) cell.recent += p.count;
		else if (p.ageDays < 2 * recentDays) cell.before += p.count;
		cell.byCategory.set(p.category, (cell.byCategory.get(p.category) ?? 0) + p.count);
	}
	return [...cells.values()]
		.map(({ byCategory, ...cell }) => ({
			...cell,
			mainCategories: [...byCategory]
				.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
				.slice(0, 3)
				.map(([category, count]) => ({ category, count }))
		}))
		.sort((a, b) => b.score - a.score || a.h3.localeCompare(b.h3));
}

/** Counts per day of the week (Monday first) of the reports whose day is known. */
export function weekdayPattern(points: Iterable<PointReport>): number[] {
	const out = [0, 0, 0, 0, 0, 0, 0];
	for (const p of points) if (p.weekday !== null) out[p.weekday]! += p.count;
	return out;
}

/** The cells as a GeoJSON FeatureCollection of hexagons ([lon, lat], closed rings) for GIS tools. */
export function cellsToGeoJSON(cells: readonly PatrolCell[], properties: Record<string, unknown> = {}) {
	return {
		type: 'FeatureCollection' as const,
		properties,
		features: cells.map((cell, index) => ({
			type: 'Feature' as const,
			id: cell.h3,
			geometry: { type: 'Polygon' as const, coordinates: [cellToBoundary(cell.h3, true)] },
			properties: {
				rank: index + 1,
				h3: cell.h3,
				score: Math.round(cell.score * 1000) / 1000,
				count: cell.count,
				reports: cell.reports,
				recent: cell.recent,
				before: cell.before,
				main_categories: cell.mainCategories.map((c) => c.category).join(',')
			}
		}))
	};
}
