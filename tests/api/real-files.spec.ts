import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import { loadArmedGroups } from '../../src/lib/server/context-layers/armed-groups';
import { importReports, type ImportResult } from '../../src/lib/server/import/importer';
import { resolveShippedMapping } from '../../src/lib/server/import/mappings';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { readRejects } from '../../scripts/left-out-rows';
import { createTestContext } from './helpers';

/**
 * The drug seizures and the CEDE panel imported from the real files of ../shared/data/real
 * (RESILIENCIA_SHARED_DIR), through their shipped mappings and the importer npm start uses, into
 * a database holding every DIVIPOLA municipality (divipola/cabeceras_municipales_2017.csv, the
 * 1,122 codes of MGN 2018). The expected totals are PROVENANCE.md's (sections 13 and 15, computed
 * from the source workbooks); the counts of municipalities and presence flags were read from the
 * file independently (Python's csv module), not by this code. Like the end-to-end tests, this needs
 * the reference data: without it, it fails saying where it looked.
 */

const realDir = loadConfig(process.env).realDataDir;
const SEIZURES = 'policia-incautaciones/incautaciones_estupefacientes_2013_2014_2017_2018S1.csv.gz';
const CEDE = 'cede-conflicto/panel_conflicto_violencia_cede_1993_2015.csv.gz';

let ctx: ReturnType<typeof createTestContext>;
const results = new Map<string, ImportResult>();

function seedDivipola() {
	const file = path.join(realDir, 'divipola', 'cabeceras_municipales_2017.csv');
	const rows = parse(fs.readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
	const department = ctx.db.prepare(
		`INSERT OR IGNORE INTO departments (code, name, population_2018, area_km2, point_lon, point_lat,
			bbox_west, bbox_south, bbox_east, bbox_north) VALUES (?, ?, 0, 1, 0, 0, -1, -1, 1, 1)`
	);
	const municipality = ctx.db.prepare(
		`INSERT OR IGNORE INTO municipalities (code, name, official_name, department_code, population_2018,
			area_km2, point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north)
		 VALUES (?, ?, ?, ?, 0, 1, 0, 0, -1, -1, 1, 1)`
	);
	ctx.db.transaction(() => {
		for (const r of rows) {
			department.run(r.cod_dpto, r.departamento);
			municipality.run(r.cod_mpio, r.municipio, r.municipio, r.cod_dpto);
		}
	})();
	return rows.length;
}

async function load(mappingId: string, file: string) {
	const result = await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{
			file: path.join(realDir, file),
			mapping: resolveShippedMapping(mappingId),
			skipInvalid: true,
			rejectsFile: path.join(ctx.dir, 'rejects', `${mappingId}.csv`)
		}
	);
	results.set(mappingId, result);
}

const perYear = (category: string) =>
	Object.fromEntries(
		(
			ctx.db
				.prepare(
					`SELECT substr(month, 1, 4) AS year, count(*) AS reports, sum(count) AS total FROM reports
					 WHERE category = ? GROUP BY year ORDER BY year`
				)
				.all(category) as { year: string; reports: number; total: number }[]
		).map((r) => [r.year, [r.reports, r.total]])
	);

beforeAll(async () => {
	for (const file of [SEIZURES, CEDE])
		if (!fs.existsSync(path.join(realDir, file)))
			throw new Error(
				`${path.join(realDir, file)} is missing: set RESILIENCIA_SHARED_DIR to the reference data`
			);
	ctx = createTestContext();
	expect(seedDivipola()).toBe(1122);
	await load('policia-incautaciones', SEIZURES);
	await load('cede-desplazamiento', CEDE);
	await load('cede-despojo-tierras', CEDE);
}, 180_000);
afterAll(() => ctx?.cleanup());

describe('the real files of the seizures and the CEDE panel', () => {
	it('seizures: every record of 2013 (109,335) is read, all but the 3 seized in Miami stored', () => {
		expect(results.get('policia-incautaciones')).toMatchObject({
			rowsRead: 364_429,
			reportsInserted: 364_426,
			rowsRejected: 3
		});
		expect(perYear('micro-trafficking')).toEqual({
			'2013': [109_332, 109_332],
			'2014': [112_627, 112_627],
			'2017': [94_307, 94_307],
			'2018': [48_160, 48_160]
		});
		const rejects = readRejects(path.join(ctx.dir, 'rejects'));
		expect(rejects.map((r) => [r.line, r.values.includes('municipio=MIAMI')])).toEqual([
			[4378, true],
			[37812, true],
			[72004, true]
		]);
		// 109,332 stored + the 3 of Miami, all dated 2013.
		expect(rejects.every((r) => r.values.includes('fecha=2013-'))).toBe(true);
		// No 2018 seizure after June.
		const last = ctx.db.prepare("SELECT max(date) FROM reports WHERE category = 'micro-trafficking'").pluck();
		expect(last.get()).toBe('2018-06-30');
	});

	it('CEDE: RUV displacement 2013–2015 (PROVENANCE totals) and land dispossession to 2013', () => {
		expect(perYear('forced-displacement')).toEqual({
			'2013': [973, 281_450],
			'2014': [947, 265_938],
			'2015': [882, 145_259]
		});
		const land = perYear('land-dispossession');
		expect(Object.keys(land)).toHaveLength(21);
		expect([land['1993'], land['2000'], land['2002'], land['2008'], land['2013']]).toEqual([
			[15, 162],
			[38, 1136],
			[42, 1525],
			[21, 285],
			[4, 15]
		]);
		expect(land['2014']).toBeUndefined();
		for (const id of ['cede-desplazamiento', 'cede-despojo-tierras'])
			expect(results.get(id)).toMatchObject({ rowsRead: 25_806, rowsRejected: 0 });
	});

	it('armed-group presence: 1993–2013 for every municipality, none after', async () => {
		expect(await loadArmedGroups(ctx.db, path.join(realDir, CEDE))).toEqual({
			rows: 1122 * 21,
			years: [1993, 2013]
		});
		const present = ctx.db.prepare(
			'SELECT sum(farc) AS farc, sum(eln) AS eln, sum(auc) AS auc FROM armed_group_presence WHERE year = ?'
		);
		expect(present.get(2002)).toEqual({ farc: 618, eln: 307, auc: 298 });
		expect(present.get(2013)).toEqual({ farc: 181, eln: 29, auc: 0 });
	});
});
