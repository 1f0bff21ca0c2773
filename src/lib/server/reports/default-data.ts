import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import defaults from '../../../../data/default-datasets.json';
import type { AppConfig } from '../config';
import type { DB } from '../db/connection';
import { describeProblems, importReports } from '../import/importer';
import { resolveMapping } from '../import/mappings';
import { createResolverFactory } from '../import/resolvers';
import { loadArmedGroups } from '../context-layers/armed-groups';
import { loadPopulation } from './population';

/**
 * The real datasets a new user sees (data/default-datasets.json), loaded on start from
 * ../shared/data/real when it is there. Idempotent: a file whose exact bytes were already imported
 * with the same mapping is skipped without reading it again, and re-importing would add nothing.
 */

const Defaults = z.object({
	datasets: z.array(z.object({ file: z.string(), mapping: z.string() })),
	population: z.string(),
	/** Armed-group presence, a context layer (context-layers/armed-groups.ts), not a dataset of reports. */
	armedGroups: z.string().optional()
});

export type DefaultDataReport = { loaded: string[]; skipped: string[]; missing: string[] };

export async function loadDefaultData(
	db: DB,
	config: AppConfig,
	log: (line: string) => void = console.log,
	/** Only the datasets of these mappings (scripts/left-out-rows.ts --only); all when left out. */
	only?: readonly string[]
): Promise<DefaultDataReport> {
	const spec = Defaults.parse(defaults);
	if (only) spec.datasets = spec.datasets.filter((d) => only.includes(d.mapping));
	const report: DefaultDataReport = { loaded: [], skipped: [], missing: [] };
	if (!fs.existsSync(config.realDataDir)) {
		log(
			`No real datasets at ${config.realDataDir}: the issue layers start empty. Import with \`npm run import -- reports FILE --mapping MAPPING\`.`
		);
		return report;
	}
	const populationFile = path.join(config.realDataDir, spec.population);
	const hasPopulation = (db.prepare('SELECT count(*) AS n FROM population').get() as { n: number }).n > 0;
	if (!hasPopulation && fs.existsSync(populationFile)) {
		const { rows, years } = await loadPopulation(db, populationFile);
		log(`Population: ${rows} municipality-years (${years[0]}–${years[1]}), DANE.`);
	}

	if (spec.armedGroups) {
		const file = path.join(config.realDataDir, spec.armedGroups);
		const loaded = db.prepare('SELECT 1 FROM armed_group_presence LIMIT 1').get() !== undefined;
		if (!loaded && fs.existsSync(file)) {
			const { rows, years } = await loadArmedGroups(db, file);
			log(`Armed-group presence: ${rows} municipality-years (${years[0]}–${years[1]}), CEDE.`);
		}
	}

	const resolvers = createResolverFactory(db, config.boundariesSource);
	const imported = db.prepare('SELECT 1 FROM import_batches WHERE mapping_id = ? AND file_sha256 = ?');
	for (const dataset of spec.datasets) {
		const file = path.join(config.realDataDir, dataset.file);
		if (!fs.existsSync(file)) {
			report.missing.push(dataset.file);
			continue;
		}
		const sha256 = await fileSha256(file);
		if (imported.get(dataset.mapping, sha256)) {
			report.skipped.push(dataset.file);
			continue;
		}
		const rejectsFile = path.join(config.rejectsDir, `${dataset.mapping}.csv`);
		const result = await importReports(
			{ db, resolvers },
			{ file, mapping: resolveMapping(dataset.mapping), skipInvalid: true, rejectsFile }
		);
		report.loaded.push(dataset.file);
		log(
			`${dataset.file}: ${result.rowsRead.toLocaleString('en')} rows, ${result.reportsInserted.toLocaleString('en')} reports stored` +
				(result.rowsRejected > 0 ? `, ${result.rowsRejected} rows left out (${rejectsFile})` : '') +
				` in ${(result.durationMs / 1000).toFixed(1)} s`
		);
		if (result.rowsRejected > 0)
			log(describeProblems(result.problems.slice(0, 3), result.problemCount).replace(/^/gm, '    '));
	}
	if (report.missing.length > 0) log(`Not found (skipped): ${report.missing.join(', ')}`);
	return report;
}

async function fileSha256(file: string): Promise<string> {
	const { createHash } = await import('node:crypto');
	const hash = createHash('sha256');
	for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}
