import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { createApi } from '../../src/lib/server/api/app';
import { loadConfig, type AppConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';

/** A temporary database and build folder, with a handful of real-looking municipalities. */
export function createTestContext(): {
	db: Database.Database;
	config: AppConfig;
	api: ReturnType<typeof createApi>;
	dir: string;
	cleanup: () => void;
} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-api-'));
	const config = loadConfig({ RESILIENCIA_DB: path.join(dir, 'test.db'), RESILIENCIA_BUILD_DIR: path.join(dir, 'build') });
	const db = openDatabase(config.databaseFile);
	seedBoundaries(db);
	return {
		db,
		config,
		api: createApi({ db, config }),
		dir,
		cleanup: () => {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

const departments = [
	['05', 'Antioquia', 6407102, 62804.7],
	['52', 'Nariño', 1335521, 33268.1],
	['88', 'Archipiélago de San Andrés, Providencia y Santa Catalina', 61280, 49.9]
] as const;

// code, name, department, population 2018, area km², lon, lat, island
const municipalities = [
	['05001', 'Medellín', '05', 2372330, 374.8, -75.5636, 6.2518, 0],
	['05120', 'Cáceres', '05', 37806, 1996.1, -75.35, 7.58, 0],
	['52835', 'San Andrés de Tumaco', '52', 138091, 3611.51, -78.6139, 1.6361, 0],
	['52001', 'Pasto', '52', 308095, 1128.4, -77.28, 1.21, 0],
	['52356', 'Ipiales', '52', 109116, 1644.3, -77.64, 0.83, 0],
	['88001', 'San Andrés', '88', 43758, 26.6, -81.7, 12.55, 1]
] as const;

// Symmetric pairs: Tumaco touches Pasto along an edge and Ipiales at a corner (fictitious but shaped like real data).
const neighbours = [
	['52835', '52001', 1],
	['52835', '52356', 0],
	['52001', '52356', 1],
	['05001', '05120', 1]
] as const;

export function seedBoundaries(db: Database.Database): void {
	const dept = db.prepare(
		`INSERT INTO departments (code, name, population_2018, area_km2, point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north)
		 VALUES (?, ?, ?, ?, 0, 0, -1, -1, 1, 1)`
	);
	const muni = db.prepare(
		`INSERT INTO municipalities (code, name, official_name, department_code, population_2018, households_2018, area_km2,
		   point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north, is_island)
		 VALUES (?, ?, upper(?), ?, ?, NULL, ?, ?, ?, ? - 0.2, ? - 0.2, ? + 0.2, ? + 0.2, ?)`
	);
	const near = db.prepare('INSERT INTO municipality_neighbours (code, neighbour_code, shares_edge) VALUES (?, ?, ?)');
	db.transaction(() => {
		for (const d of departments) dept.run(...d);
		for (const [code, name, dpto, pop, area, lon, lat, island] of municipalities) {
			muni.run(code, name, name, dpto, pop, area, lon, lat, lon, lat, lon, lat, island);
		}
		for (const [a, b, edge] of neighbours) {
			near.run(a, b, edge);
			near.run(b, a, edge);
		}
		db.prepare(`INSERT INTO dataset_meta (key, value) VALUES ('data.version', 'test-1')`).run();
	})();
}

export const FIXTURE_POPULATION = municipalities.reduce((sum, m) => sum + m[3], 0);
