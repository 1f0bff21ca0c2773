import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellsToGeoJSON, patrolCells, recencyWeight, weekdayPattern, type PointReport } from './patrol-cells';

// Two places in Tumaco about 6 km apart: different cells at resolution 8, one cell at resolution 5.
const port = { lon: -78.7647, lat: 1.8067 };
const inland = { lon: -78.72, lat: 1.77 };
const report = (place: { lon: number; lat: number }, extra: Partial<PointReport> = {}): PointReport => ({
	...place,
	category: 'landmines',
	ageDays: 0,
	weekday: null,
	count: 1,
	...extra
});

describe('recency weight', () => {
	it('halves every half-life and never exceeds 1', () => {
		expect(recencyWeight(0, 180)).toBe(1);
		expect(recencyWeight(180, 180)).toBeCloseTo(0.5, 12);
		expect(recencyWeight(540, 180)).toBeCloseTo(0.125, 12);
		expect(recencyWeight(-5, 180)).toBe(1);
	});
});

describe('patrol cells', () => {
	it('sums counts per cell, weighted by category and recency, ranked by score', () => {
		const cells = patrolCells(
			[
				report(port, { count: 2 }),
				report(port, { ageDays: 365, category: 'extortion' }),
				report(inland, { count: 3, ageDays: 730 })
			],
			{ resolution: 8, halfLifeDays: 365, categoryWeights: { extortion: 4 } }
		);
		expect(cells.map((c) => c.h3)).toEqual([
			latLngToCell(port.lat, port.lon, 8),
			latLngToCell(inland.lat, inland.lon, 8)
		]);
		expect(cells[0]!.score).toBeCloseTo(2 + 4 * 0.5, 12);
		expect(cells[0]!).toMatchObject({ count: 3, reports: 2, recent: 2, before: 1 });
		expect(cells[0]!.mainCategories).toEqual([
			{ category: 'landmines', count: 2 },
			{ category: 'extortion', count: 1 }
		]);
		expect(cells[1]!.score).toBeCloseTo(3 * 0.25, 12);
		// Older than two recent periods: in neither side of the trend.
		expect(cells[1]!).toMatchObject({ recent: 0, before: 0 });
	});

	it('merges nearby places at a coarse resolution', () => {
		const cells = patrolCells([report(port), report(inland)], { resolution: 5, halfLifeDays: 365 });
		expect(cells).toHaveLength(1);
		expect(cells[0]!.count).toBe(2);
	});

	it('counts reports by day of the week when the day is known', () => {
		expect(
			weekdayPattern([report(port, { weekday: 0, count: 2 }), report(port, { weekday: 6 }), report(port)])
		).toEqual([2, 0, 0, 0, 0, 0, 1]);
	});

	it('exports closed hexagons in GeoJSON order ([lon, lat]) around the cell centre', () => {
		const cells = patrolCells([report(port)], { resolution: 7, halfLifeDays: 365 });
		const geojson = cellsToGeoJSON(cells, { demo: false });
		const ring = geojson.features[0]!.geometry.coordinates[0]!;
		expect(ring[0]).toEqual(ring.at(-1));
		const [lat, lon] = cellToLatLng(cells[0]!.h3);
		const meanLon = ring.slice(0, -1).reduce((s, p) => s + p[0]!, 0) / (ring.length - 1);
		expect(meanLon).toBeCloseTo(lon, 2);
		expect(Math.abs(lat - port.lat)).toBeLessThan(0.05);
		expect(geojson.features[0]!.properties).toMatchObject({
			rank: 1,
			count: 1,
			main_categories: 'landmines'
		});
	});
});
