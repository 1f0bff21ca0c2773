import type Database from 'better-sqlite3';
import { displayName } from '../src/lib/domain/names';
import type { Neighbour } from './neighbours';
import type { DepartmentRecord, MunicipalityRecord } from './source';

export type BoundaryLoad = {
	departments: DepartmentRecord[];
	municipalities: MunicipalityRecord[];
	neighbours: Map<string, Neighbour[]>;
	meta: Record<string, string>;
};

/**
 * Loads departments, municipalities and neighbours in one transaction: a failure leaves the
 * previous boundaries untouched. Rows are upserted rather than deleted and re-inserted, so data
 * that refers to a municipality (reports, dialogues) keeps its references.
 */
export function loadBoundaries(db: Database.Database, load: BoundaryLoad): void {
	const upsertDepartment = db.prepare(`
		INSERT INTO departments (code, name, population_2018, area_km2, point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north)
		VALUES (@code, @name, @population, @areaKm2, @lon, @lat, @west, @south, @east, @north)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, population_2018 = excluded.population_2018,
			area_km2 = excluded.area_km2, point_lon = excluded.point_lon, point_lat = excluded.point_lat,
			bbox_west = excluded.bbox_west, bbox_south = excluded.bbox_south, bbox_east = excluded.bbox_east, bbox_north = excluded.bbox_north`);
	const upsertMunicipality = db.prepare(`
		INSERT INTO municipalities (code, name, official_name, department_code, population_2018, households_2018, area_km2,
			point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north, is_island)
		VALUES (@code, @name, @officialName, @departmentCode, @population, @households, @areaKm2,
			@lon, @lat, @west, @south, @east, @north, @isIsland)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, official_name = excluded.official_name,
			department_code = excluded.department_code, population_2018 = excluded.population_2018,
			households_2018 = excluded.households_2018, area_km2 = excluded.area_km2, point_lon = excluded.point_lon,
			point_lat = excluded.point_lat, bbox_west = excluded.bbox_west, bbox_south = excluded.bbox_south,
			bbox_east = excluded.bbox_east, bbox_north = excluded.bbox_north, is_island = excluded.is_island`);
	const insertNeighbour = db.prepare(
		'INSERT INTO municipality_neighbours (code, neighbour_code, shares_edge) VALUES (?, ?, ?)'
	);
	const setMeta = db.prepare(
		'INSERT INTO dataset_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'
	);

	db.transaction(() => {
		for (const d of load.departments) {
			const [west, south, east, north] = d.bbox;
			upsertDepartment.run({
				code: d.code,
				name: displayName(d.officialName),
				population: d.population,
				areaKm2: d.areaKm2,
				lon: d.point[0],
				lat: d.point[1],
				west,
				south,
				east,
				north
			});
		}
		for (const m of load.municipalities) {
			const [west, south, east, north] = m.bbox;
			upsertMunicipality.run({
				code: m.code,
				name: displayName(m.officialName),
				officialName: m.officialName,
				departmentCode: m.departmentCode,
				population: m.population,
				households: m.households,
				areaKm2: m.areaKm2,
				lon: m.point[0],
				lat: m.point[1],
				west,
				south,
				east,
				north,
				isIsland: (load.neighbours.get(m.code)?.length ?? 0) === 0 ? 1 : 0
			});
		}
		// A municipality missing from the new source is removed; if other data still refers to it,
		// the foreign key stops the whole load and the old boundaries stay.
		const codes = new Set(load.municipalities.map((m) => m.code));
		const stale = (db.prepare('SELECT code FROM municipalities').all() as { code: string }[]).filter(
			(r) => !codes.has(r.code)
		);
		db.prepare('DELETE FROM municipality_neighbours').run();
		const remove = db.prepare('DELETE FROM municipalities WHERE code = ?');
		for (const row of stale) remove.run(row.code);
		for (const [code, list] of load.neighbours) {
			for (const n of list) insertNeighbour.run(code, n.code, n.sharesEdge ? 1 : 0);
		}
		for (const [key, value] of Object.entries(load.meta)) setMeta.run(key, value);
	})();
}
