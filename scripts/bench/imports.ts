import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/lib/server/config';
import { prepareDataDir } from '../../tests/e2e/server';
import { ms } from './stats';
import { writeSyntheticFile } from './synthetic';
import type { Bench, Figure } from './types';

/**
 * Reported issues (issue 5): import throughput and peak memory for the three Police files, each
 * compared in the same run with a bare prepared-statement insert of the same rows into the same
 * table; a generated 5-million-row file on top of them (6 million reports); then the latency of
 * the statistics endpoint on that database. Each measurement runs in a process of its own.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const WORKER = path.join('scripts', 'bench', 'import-worker.ts');
const SYNTHETIC_ROWS = Number(process.env.BENCH_SYNTHETIC_ROWS ?? 5_000_000);

const POLICE = [
	['policia-homicidios/homicidios_2003_2024.csv.gz', 'policia-homicidios'],
	['policia-delitos-sexuales/delitos_sexuales_2010_2025.csv.gz', 'policia-delitos-sexuales'],
	[
		'policia-violencia-intrafamiliar/violencia_intrafamiliar_2010_2023.csv.gz',
		'policia-violencia-intrafamiliar'
	]
] as const;

type WorkerResult = { rows: number; ms: number; maxRssMB: number; reports?: number };

function worker(args: string[], env: Record<string, string>): Record<string, unknown> {
	const result = spawnSync(TSX, [WORKER, ...args], {
		cwd: ROOT,
		encoding: 'utf8',
		env: { ...process.env, ...env, NODE_ENV: 'production' },
		maxBuffer: 16 * 1024 * 1024
	});
	if (result.status !== 0) throw new Error(`${args[0]} failed: ${result.stderr.slice(-2000)}`);
	return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

const rate = (rows: number, millis: number) =>
	`${Math.round(rows / (millis / 1000)).toLocaleString('en')} rows/s`;

export const imports: Bench = {
	name: 'imports',
	title: 'Reported issues: import and statistics',
	async run() {
		const realDir = loadConfig().realDataDir;
		if (!fs.existsSync(path.join(realDir, POLICE[0][0]))) {
			return [{ measure: 'imports', value: '—', note: `no real data at ${realDir}` }];
		}
		const base = prepareDataDir('resiliencia-bench-imports-', { RESILIENCIA_LOAD_DEFAULT_DATA: '0' });
		const figures: Figure[] = [];
		try {
			const baseDb = base.env.RESILIENCIA_DB!;
			const copy = (name: string) => {
				const file = path.join(base.dir, name);
				fs.copyFileSync(baseDb, file);
				return file;
			};
			for (const [file, mapping] of POLICE) {
				const source = path.join(realDir, file);
				const imported = worker(['import', copy('import.db'), source, mapping], base.env) as WorkerResult;
				const bare = worker(['bare', copy('bare.db'), source, mapping], base.env) as WorkerResult;
				figures.push({
					measure: `import ${path.basename(file)}`,
					value: rate(imported.rows, imported.ms),
					note: `${imported.rows.toLocaleString('en')} rows in ${ms(imported.ms)}, peak ${imported.maxRssMB} MB; bare insert ${rate(bare.rows, bare.ms)} (${ms(bare.ms)}): ${((100 * bare.ms) / imported.ms).toFixed(0)} % of its rate`
				});
			}

			// 6 million reports: the three Police files plus a generated file.
			const big = copy('big.db');
			for (const [file, mapping] of POLICE)
				worker(['import', big, path.join(realDir, file), mapping], base.env);
			const codes = new Database(baseDb, { readonly: true })
				.prepare('SELECT code FROM municipalities')
				.pluck()
				.all() as string[];
			const synthetic = path.join(base.dir, 'synthetic.csv.gz');
			await writeSyntheticFile(synthetic, SYNTHETIC_ROWS, codes);
			const generated = worker(['import', big, synthetic, 'policia-homicidios'], base.env) as WorkerResult;
			figures.push({
				measure: `import ${SYNTHETIC_ROWS.toLocaleString('en')} generated rows`,
				value: rate(generated.rows, generated.ms),
				note: `${ms(generated.ms)} on top of 1.2 M reports, peak ${generated.maxRssMB} MB (${(fs.statSync(synthetic).size / 1e6).toFixed(0)} MB gzipped)`
			});
			const stats = worker(['stats', big], base.env) as {
				reports: number;
				indexMs: number;
				maxRssMB: number;
				cases: Record<string, { p50: number; p95: number }>;
			};
			figures.push({
				measure: 'stats index build',
				value: ms(stats.indexMs),
				note: `${stats.reports.toLocaleString('en')} reports; process peak ${stats.maxRssMB} MB`
			});
			for (const [name, t] of Object.entries(stats.cases)) {
				figures.push({
					measure: `stats: ${name}`,
					value: `p50 ${t.p50.toFixed(2)} ms · p95 ${t.p95.toFixed(2)} ms`,
					note: `200 requests in process (app.request), ${stats.reports.toLocaleString('en')} reports`
				});
			}
		} finally {
			base.remove();
		}
		return figures;
	}
};
