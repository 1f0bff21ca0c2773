import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import { loadDefaultData } from '../../src/lib/server/reports/default-data';
import { createTestContext } from './helpers';

describe('the default data loaded on start', () => {
	it('starts without ../shared/data/real, saying how to import', async () => {
		const ctx = createTestContext();
		try {
			const config = loadConfig({
				RESILIENCIA_SHARED_DIR: path.join(ctx.dir, 'no-shared-here'),
				RESILIENCIA_DB: ctx.config.databaseFile
			});
			const lines: string[] = [];
			const report = await loadDefaultData(ctx.db, config, (line) => lines.push(line));
			expect(report).toEqual({ loaded: [], skipped: [], missing: [] });
			expect(lines.join('\n')).toContain('npm run import -- reports FILE --mapping MAPPING');
			expect(lines.join('\n')).toContain(path.join(ctx.dir, 'no-shared-here', 'data', 'real'));
			const extent = (await (await ctx.api.request('/api/stats/extent')).json()) as { from: string | null };
			expect(extent.from).toBeNull();
		} finally {
			ctx.cleanup();
		}
	});

	it('can load the datasets of some mappings only (scripts/left-out-rows.ts --only)', async () => {
		const ctx = createTestContext();
		try {
			const shared = path.join(ctx.dir, 'shared');
			const file = path.join(shared, 'data', 'real', 'mineria-evoa', 'evoa_municipal_2018_2020.csv');
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(
				file,
				[
					'a_o,codigo_departamento,departamento,codigo_municipio,municipio,hectareas_con_permisos,hectareas_en_transito_a,hectareas_explotacion_ilicita,total_evidencia_explotacion,cod_mpio',
					'2019,5,ANTIOQUIA,5120,CÁCERES,1,2,30,33,05120'
				].join('\n') + '\n'
			);
			const config = loadConfig({
				RESILIENCIA_SHARED_DIR: shared,
				RESILIENCIA_DB: ctx.config.databaseFile,
				RESILIENCIA_BUILD_DIR: path.join(ctx.dir, 'build')
			});
			const report = await loadDefaultData(ctx.db, config, () => {}, ['mineria-evoa']);
			// The other datasets are not asked for, so not missing either.
			expect(report).toEqual({
				loaded: ['mineria-evoa/evoa_municipal_2018_2020.csv'],
				skipped: [],
				missing: []
			});
			const n = ctx.db
				.prepare("SELECT sum(count) FROM reports WHERE category = 'illegal-mining'")
				.pluck()
				.get();
			expect(n).toBe(30);
		} finally {
			ctx.cleanup();
		}
	});

	it('loads the CEDE panel twice by mapping, and its armed-group presence as a context layer', async () => {
		const ctx = createTestContext();
		try {
			const shared = path.join(ctx.dir, 'shared');
			const file = path.join(
				shared,
				'data',
				'real',
				'cede-conflicto',
				'panel_conflicto_violencia_cede_1993_2015.csv.gz'
			);
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(
				file,
				gzipSync(
					[
						'cod_mpio,codmpio,ano,desplazados_expulsion,o_aband_tierras,FARC_,ELN_,AUC_',
						'52835,52835,2012,900,3,1,0,0',
						'52835,52835,2013,1200,,1,1,0'
					].join('\n') + '\n'
				)
			);
			const config = loadConfig({
				RESILIENCIA_SHARED_DIR: shared,
				RESILIENCIA_DB: ctx.config.databaseFile,
				RESILIENCIA_BUILD_DIR: path.join(ctx.dir, 'build')
			});
			const lines: string[] = [];
			const only = ['cede-desplazamiento', 'cede-despojo-tierras'];
			const report = await loadDefaultData(ctx.db, config, (line) => lines.push(line), only);
			// One file, two mappings: each is imported (and skipped next time) on its own.
			expect(report.loaded).toEqual([
				'cede-conflicto/panel_conflicto_violencia_cede_1993_2015.csv.gz',
				'cede-conflicto/panel_conflicto_violencia_cede_1993_2015.csv.gz'
			]);
			const sums = ctx.db.prepare('SELECT category, date, count FROM reports ORDER BY category, date').all();
			expect(sums).toEqual([
				{ category: 'forced-displacement', date: '2013', count: 1200 },
				{ category: 'land-dispossession', date: '2012', count: 3 }
			]);
			expect(lines).toContain('Armed-group presence: 2 municipality-years (2012–2013), CEDE.');
			const again = await loadDefaultData(ctx.db, config, () => {}, only);
			expect(again.skipped).toHaveLength(2);
			expect(ctx.db.prepare('SELECT count(*) FROM armed_group_presence').pluck().get()).toBe(2);
		} finally {
			ctx.cleanup();
		}
	});
});
