import type Database from 'better-sqlite3';
import type { MunicipalityDetail, MunicipalitySummary } from '../../schemas/municipality';
import { statement } from './statements';

type SummaryRow = {
	code: string;
	name: string;
	department_code: string;
	department_name: string;
	population_2018: number;
	area_km2: number;
};

type DetailRow = SummaryRow & {
	official_name: string;
	households_2018: number | null;
	point_lon: number;
	point_lat: number;
	bbox_west: number;
	bbox_south: number;
	bbox_east: number;
	bbox_north: number;
	is_island: number;
};

const SUMMARY_COLUMNS = `m.code, m.name, m.department_code, d.name AS department_name, m.population_2018, m.area_km2`;

function toSummary(row: SummaryRow): MunicipalitySummary {
	return {
		code: row.code,
		name: row.name,
		department: { code: row.department_code, name: row.department_name },
		population: row.population_2018,
		areaKm2: Math.round(row.area_km2 * 100) / 100
	};
}

export function listMunicipalities(db: Database.Database): MunicipalitySummary[] {
	const rows = statement(
		db,
		`SELECT ${SUMMARY_COLUMNS} FROM municipalities m JOIN departments d ON d.code = m.department_code ORDER BY m.code`
	).all() as SummaryRow[];
	return rows.map(toSummary);
}

export function getMunicipality(db: Database.Database, code: string): MunicipalityDetail | null {
	const row = statement(
		db,
		`SELECT ${SUMMARY_COLUMNS}, m.official_name, m.households_2018, m.point_lon, m.point_lat,
		        m.bbox_west, m.bbox_south, m.bbox_east, m.bbox_north, m.is_island
		   FROM municipalities m JOIN departments d ON d.code = m.department_code
		  WHERE m.code = ?`
	).get(code) as DetailRow | undefined;
	if (!row) return null;
	const neighbours = (
		statement(
			db,
			`SELECT ${SUMMARY_COLUMNS}, n.shares_edge
			   FROM municipality_neighbours n
			   JOIN municipalities m ON m.code = n.neighbour_code
			   JOIN departments d ON d.code = m.department_code
			  WHERE n.code = ? ORDER BY m.name`
		).all(code) as (SummaryRow & { shares_edge: number })[]
	).map((n) => ({
		code: n.code,
		name: n.name,
		department: toSummary(n).department,
		sharesEdge: n.shares_edge === 1
	}));
	return {
		...toSummary(row),
		officialName: row.official_name,
		households: row.households_2018,
		// Inhabitants per km², 2018 census over MGN area.
		densityPerKm2: Math.round((row.population_2018 / row.area_km2) * 10) / 10,
		point: { lon: row.point_lon, lat: row.point_lat },
		bbox: [row.bbox_west, row.bbox_south, row.bbox_east, row.bbox_north],
		isIsland: row.is_island === 1,
		neighbours
	};
}

export function getDatasetMeta(db: Database.Database, key: string): string | null {
	const row = statement(db, 'SELECT value FROM dataset_meta WHERE key = ?').get(key) as
		{ value: string } | undefined;
	return row?.value ?? null;
}

export function countMunicipalities(db: Database.Database): number {
	return (statement(db, 'SELECT count(*) AS n FROM municipalities').get() as { n: number }).n;
}
