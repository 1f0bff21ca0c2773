import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { buildBoundaries } from '../geo/build';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { loadDefaultData } from '../src/lib/server/reports/default-data';

/**
 * Which source rows the default import leaves out, and why: imports the real datasets of
 * data/default-datasets.json (from ../shared/data/real, as `npm start` does, with --skip-invalid)
 * into a throwaway database under the system's temporary folder, then prints every rejected row:
 * dataset, file line, column, reason, and the source's values. The app's database and
 * .build/import-rejects/ are not touched; the temporary folder is removed at the end.
 *
 *   npx tsx scripts/left-out-rows.ts [--only MAPPING,MAPPING] [--keep]
 *
 * Takes a few minutes (every row of every dataset is read). `--only` imports the datasets of those
 * mappings only; `--keep` keeps the temporary folder (its database, to query the imported counts)
 * and prints its path on stderr instead of removing it.
 */

export type LeftOutRow = { dataset: string; line: number; column: string; reason: string; values: string };

/** The rows written to a rejects folder (one `<mapping>.csv` per dataset, as the importer writes them). */
export function readRejects(rejectsDir: string): LeftOutRow[] {
	if (!fs.existsSync(rejectsDir)) return [];
	return fs
		.readdirSync(rejectsDir)
		.filter((name) => name.endsWith('.csv'))
		.sort()
		.flatMap((name) => {
			const records = parse(fs.readFileSync(path.join(rejectsDir, name), 'utf8'), {
				columns: true,
				relax_column_count: true
			}) as Record<string, string>[];
			return records.map(({ _row, _column, _reason, ...values }) => ({
				dataset: name.replace(/\.csv$/, ''),
				line: Number(_row),
				column: _column ?? '',
				reason: _reason ?? '',
				values: Object.entries(values)
					.filter(([, value]) => value !== '')
					.map(([key, value]) => `${key}=${value}`)
					.join('; ')
			}));
		});
}

/** One line per row, then the count per dataset. */
export function describeLeftOut(rows: readonly LeftOutRow[]): string {
	const counts = new Map<string, number>();
	for (const r of rows) counts.set(r.dataset, (counts.get(r.dataset) ?? 0) + 1);
	return [
		...rows.map((r) => `${r.dataset}\tline ${r.line}\t${r.column || '(row)'}\t${r.reason}\t${r.values}`),
		`${rows.length} rows left out` +
			(rows.length > 0 ? `: ${[...counts].map(([d, n]) => `${d} ${n}`).join(', ')}` : '')
	].join('\n');
}

export type LeftOutOptions = { only?: readonly string[]; keep?: boolean };

/** `--only a,b` and `--keep` from the command line. */
export function parseArgs(argv: readonly string[]): LeftOutOptions {
	const options: LeftOutOptions = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--keep') options.keep = true;
		else if (arg === '--only' || arg.startsWith('--only=')) {
			const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
			const ids = (value ?? '').split(',').filter((id) => id !== '');
			if (ids.length === 0)
				throw new Error('--only needs mapping ids, e.g. --only policia-extorsion,mineria-evoa');
			options.only = ids;
		} else
			throw new Error(`unknown option ${arg} (usage: left-out-rows.ts [--only MAPPING,MAPPING] [--keep])`);
	}
	return options;
}

export async function leftOutRows(
	env: Record<string, string | undefined> = process.env,
	options: LeftOutOptions = {}
): Promise<LeftOutRow[]> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-left-out-'));
	try {
		const config = loadConfig({
			...env,
			RESILIENCIA_DB: path.join(dir, 'resiliencia.db'),
			RESILIENCIA_BUILD_DIR: path.join(dir, 'build'),
			RESILIENCIA_LOAD_DEFAULT_DATA: '1'
		});
		const db = openDatabase(config.databaseFile);
		try {
			await buildBoundaries({
				source: config.boundariesSource,
				db,
				outDir: config.boundariesDir,
				log: () => {}
			});
			const report = await loadDefaultData(db, config, (line) => console.error(line), options.only);
			if (report.loaded.length === 0)
				throw new Error(
					options.only
						? `no real datasets for ${options.only.join(', ')} at ${config.realDataDir}`
						: `no real datasets at ${config.realDataDir}`
				);
			if (report.missing.length > 0) throw new Error(`datasets not found: ${report.missing.join(', ')}`);
		} finally {
			db.close();
		}
		return readRejects(config.rejectsDir);
	} finally {
		if (options.keep) console.error(`Kept ${dir} (database: ${path.join(dir, 'resiliencia.db')})`);
		else fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	Promise.resolve()
		.then(() => leftOutRows(process.env, parseArgs(process.argv.slice(2))))
		.then((rows) => console.log(describeLeftOut(rows)))
		.catch((error: unknown) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		});
}
