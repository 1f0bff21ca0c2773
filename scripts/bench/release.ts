import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { writeExport } from '../../src/lib/server/release/export';
import { createReleaseService } from '../../src/lib/server/release/service';
import { prepareDataDir } from '../../tests/e2e/server';
import { bytes, ms } from './stats';
import type { Bench, Figure } from './types';

/**
 * The public release (issue 19): how long a whole build takes on the real data plus generated
 * homicides up to ~6 million reports (target: under 60 s on this 2-core machine), how long a
 * rebuild takes after an edit that touches no report (a booklet), and what the export weighs.
 * The generated reports are inserted by SQLite itself (BENCHMARK DATA ONLY, in a throwaway
 * database), so the bench spends its time on the release, not on an import.
 */

const GENERATED = Number(process.env.BENCH_RELEASE_ROWS ?? 5_000_000);

const GENERATE = `
INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
	rows_duplicate, rows_rejected, categories, imported_at)
VALUES ('synthetic', 'policia-homicidios', 'synthetic.csv', '-', 'Sintético (benchmark)', @n, @n, 0, 0, '["homicide"]',
	strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
CREATE TEMP TABLE codes (i INTEGER PRIMARY KEY, code TEXT);
INSERT INTO codes (i, code) SELECT row_number() OVER (ORDER BY code) - 1, code FROM municipalities;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @n - 1),
	r AS (SELECT i, (random() & 1048575) % (SELECT count(*) FROM codes) AS m, random() & 1048575 AS x FROM n)
INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month, date_precision, count)
SELECT (SELECT max(id) FROM import_batches), 'synthetic', 's' || r.i, 'homicide', codes.code, '',
	printf('%04d-%02d', 2003 + x % 22, 1 + (x / 22) % 12), 'month', 1 + (x / 264) % 3
FROM r JOIN codes ON codes.i = r.m;
UPDATE dataset_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'reports_version';`;

export const release: Bench = {
	name: 'release',
	title: 'Public release: build and export',
	async run() {
		const realDir = loadConfig().realDataDir;
		if (!fs.existsSync(realDir))
			return [{ measure: 'release', value: '—', note: `no real data at ${realDir}` }];
		const data = prepareDataDir('resiliencia-bench-release-');
		const figures: Figure[] = [];
		const db = openDatabase(data.env.RESILIENCIA_DB!);
		try {
			const generating = performance.now();
			// Parameters of a multi-statement script are spelled in: better-sqlite3's exec binds none.
			db.exec(GENERATE.replaceAll('@n', String(Math.max(1, Math.floor(GENERATED)))));
			const generatedIn = performance.now() - generating;
			const reports = (db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;

			const service = createReleaseService({ db });
			let started = performance.now();
			const first = await service.refresh();
			const buildMs = performance.now() - started;
			figures.push({
				measure: 'whole build (every batch read)',
				value: ms(buildMs),
				note: `${reports.toLocaleString('en')} reports (${GENERATED.toLocaleString('en')} generated in ${ms(generatedIn)}); ${first.blocks.size} blocks, ${[...first.blocks.values()].reduce((s, b) => s + b.values.length, 0).toLocaleString('en')} cells; target < 60 s`
			});

			db.prepare(
				"INSERT INTO booklets (municipality_code, problem, steps) VALUES ((SELECT min(code) FROM municipalities), 'Benchmark', '[\"paso\"]')"
			).run();
			started = performance.now();
			await service.refresh();
			figures.push({
				measure: 'rebuild after a booklet (batch cells stored)',
				value: ms(performance.now() - started),
				note: 'time-sliced: the server answers between slices of 40 ms'
			});

			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-bench-export-'));
			try {
				started = performance.now();
				const manifest = writeExport(service.current(), dir);
				const sizes = manifest.tables.map(
					(t) => `${t.file} ${bytes(fs.statSync(path.join(dir, t.file)).size)}`
				);
				figures.push({
					measure: 'export (manifest + CSVs)',
					value: ms(performance.now() - started),
					note: sizes.join(', ')
				});
			} finally {
				fs.rmSync(dir, { recursive: true, force: true });
			}

			const query = {
				category: ['homicide' as const],
				from: '2019-01',
				to: '2019-12',
				measure: 'count' as const,
				smoothing: 'global' as const
			};
			started = performance.now();
			service.areaFigures('municipality', query);
			const cold = performance.now() - started;
			started = performance.now();
			for (let i = 0; i < 1000; i++) service.areaFigures('municipality', query);
			figures.push({
				measure: 'public figures per municipality, one category and year',
				value: `${ms(cold)} cold`,
				note: `then ${((performance.now() - started) / 1000).toFixed(3)} ms a call from the release's cache`
			});
		} finally {
			db.close();
			data.remove();
		}
		return figures;
	}
};
