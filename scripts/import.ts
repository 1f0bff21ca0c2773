import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { describeProblems, importReports, ImportRejected } from '../src/lib/server/import/importer';
import { MappingError, resolveMapping, shippedMappings } from '../src/lib/server/import/mappings';
import { createResolverFactory } from '../src/lib/server/import/resolvers';
import { deleteBatch, listBatches } from '../src/lib/server/reports/batches';
import { SourceFileError } from '../src/lib/server/import/source-file';
import { importSurveyCsv } from '../src/lib/server/surveys/panel';
import {
	importBookletsCsv,
	importCommitmentsCsv,
	importDialoguesCsv
} from '../src/lib/server/dialogues/import';

const USAGE = `Usage:
  npm run import -- reports FILE --mapping MAPPING [--skip-invalid] [--rejects FILE]
  npm run import -- batches              list import batches
  npm run import -- delete-batch ID      delete a batch and its reports
  npm run import -- mappings             list the shipped mappings (data/mappings)
  npm run import -- dialogues FILE       dialogues: programme,title,municipality,date,issues,summary
  npm run import -- booklets FILE        prevention booklets: municipality,problem,steps[,resources][,dialogue]
  npm run import -- commitments FILE     commitments: dialogue,institution,action[,due_date][,status]
  npm run import -- survey FILE          leaders' survey answers, long CSV:
                                         municipality,respondent,sector,sex,area,wave,question,value

MAPPING is a shipped mapping id (e.g. policia-homicidios) or a path to a mapping JSON file.
By default one bad row rejects the whole file and nothing is stored; --skip-invalid stores the
good rows and writes the rejected ones with their reasons to --rejects (default FILE.rejects.csv).`;

export async function runImportCli(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			mapping: { type: 'string' },
			'skip-invalid': { type: 'boolean', default: false },
			rejects: { type: 'string' },
			help: { type: 'boolean', default: false }
		}
	});
	const [command, arg] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return command ? 0 : 2;
	}
	const config = loadConfig();
	if (command === 'mappings') {
		for (const m of shippedMappings()) console.log(`${m.id.padEnd(34)} ${m.attribution}`);
		return 0;
	}
	const db = openDatabase(config.databaseFile);
	try {
		if (command === 'batches') {
			const batches = listBatches(db);
			if (batches.length === 0) console.log('No import batches.');
			for (const b of batches) {
				console.log(
					`#${b.id} ${b.importedAt} ${b.mappingId} ${b.fileName}: ${b.reportsInserted} reports (${b.reportsDuplicate} already stored, ${b.rowsRejected} rows rejected)`
				);
			}
			return 0;
		}
		if (command === 'delete-batch') {
			const id = Number(arg);
			if (!Number.isInteger(id) || id <= 0)
				throw new Error('delete-batch needs a batch id (see `npm run import -- batches`)');
			const result = deleteBatch(db, id);
			if (!result.deleted) throw new Error(`No import batch ${id}`);
			console.log(`Deleted batch #${id} and its ${result.reports} reports; the statistics are updated.`);
			return 0;
		}
		if (command === 'dialogues') {
			if (!arg) throw new Error(`Give the dialogues file to import.\n${USAGE}`);
			const result = await importDialoguesCsv(db, arg);
			console.log(
				`${result.rows} rows read, ${result.added} dialogues added (those already stored are left as they are).`
			);
			return 0;
		}
		if (command === 'booklets' || command === 'commitments') {
			if (!arg) throw new Error(`Give the ${command} file to import.\n${USAGE}`);
			const result = await (command === 'booklets' ? importBookletsCsv : importCommitmentsCsv)(db, arg);
			console.log(`${result.rows} rows read, ${result.added} ${command} added.`);
			return 0;
		}
		if (command === 'survey') {
			if (!arg) throw new Error(`Give the survey file to import.\n${USAGE}`);
			const result = await importSurveyCsv(db, arg);
			console.log(
				`${result.rows} rows read, ${result.answers} answers stored (an answer already stored is replaced).`
			);
			return 0;
		}
		if (command !== 'reports') throw new Error(`Unknown command "${command}".\n${USAGE}`);
		if (!arg) throw new Error(`Give the file to import.\n${USAGE}`);
		if (!values.mapping) throw new Error(`Give --mapping (a shipped id or a file).\n${USAGE}`);
		const mapping = resolveMapping(values.mapping);
		const skipInvalid = values['skip-invalid'];
		const rejectsFile = skipInvalid ? (values.rejects ?? `${arg}.rejects.csv`) : undefined;
		let lastShown = 0;
		const result = await importReports(
			{ db, resolvers: createResolverFactory(db, config.boundariesSource) },
			{
				file: arg,
				mapping,
				skipInvalid,
				rejectsFile,
				onProgress: (p) => {
					if (!process.stderr.isTTY || Date.now() - lastShown < 250) return;
					lastShown = Date.now();
					process.stderr.write(
						`\r${Math.round((100 * p.bytesRead) / Math.max(1, p.bytesTotal))} % · ${p.rowsRead.toLocaleString('en')} rows`
					);
				}
			}
		);
		if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
		console.log(
			`Batch #${result.batchId}: ${result.rowsRead.toLocaleString('en')} rows read, ${result.reportsInserted.toLocaleString('en')} reports stored, ${result.reportsDuplicate.toLocaleString('en')} already stored, ${result.rowsRejected} rows rejected, ${result.rowsPointOutside} points outside their municipality (${(result.durationMs / 1000).toFixed(1)} s).`
		);
		if (result.rowsRejected > 0) {
			console.log(
				`Rejected rows, with reasons: ${rejectsFile}\n${describeProblems(result.problems.slice(0, 10), result.problemCount)}`
			);
		}
		return 0;
	} catch (error) {
		if (
			error instanceof ImportRejected ||
			error instanceof MappingError ||
			error instanceof SourceFileError
		) {
			console.error(error.message);
			console.error('Nothing was stored.');
			return 1;
		}
		throw error;
	} finally {
		db.close();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	runImportCli(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		}
	);
}
