import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig, type ImportLimits } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { ServiceError } from '../src/lib/server/errors';
import { describeProblems } from '../src/lib/server/import/importer';
import { createServices } from '../src/lib/server/services';
import { commandLineViewer } from '../src/lib/server/viewer';

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
good rows and writes the rejected ones with their reasons to --rejects (default FILE.rejects.csv).

Limits (every import; defaults from RESILIENCIA_IMPORT_MAX_INFLATED_MB, _MAX_ROWS, _MAX_GZIP_RATIO):
  --max-inflated-mb N   read at most N MB of content (a gzip counted inflated; default 2048)
  --max-rows N          read at most N rows (default 20,000,000)
  --max-gzip-ratio N    refuse a gzip inflating more than N times its size (default 100; 0: off)`;

/** The tables that are not reports, and how the command line words what each stored. */
const TABLE_COMMANDS: Record<string, (rows: number, stored: number) => string> = {
	dialogues: (rows, stored) =>
		`${rows} rows read, ${stored} dialogues added (those already stored are left as they are).`,
	booklets: (rows, stored) => `${rows} rows read, ${stored} booklets added.`,
	commitments: (rows, stored) => `${rows} rows read, ${stored} commitments added.`,
	survey: (rows, stored) =>
		`${rows} rows read, ${stored} answers stored (an answer already stored is replaced).`
};

/**
 * Every command goes through the import service as the command-line operator
 * (`commandLineViewer()`), so imports and deletions made here are audited like those made in the
 * browser, with the actor `cli:<os user>`.
 */
export async function runImportCli(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			mapping: { type: 'string' },
			'skip-invalid': { type: 'boolean', default: false },
			rejects: { type: 'string' },
			'max-inflated-mb': { type: 'string' },
			'max-rows': { type: 'string' },
			'max-gzip-ratio': { type: 'string' },
			help: { type: 'boolean', default: false }
		}
	});
	const limits = limitFlags(values);
	const [command, arg] = positionals;
	if (values.help || !command) {
		console.log(USAGE);
		return command ? 0 : 2;
	}
	const config = loadConfig();
	const db = openDatabase(config.databaseFile);
	const { imports } = createServices({ db, config });
	const viewer = commandLineViewer();
	try {
		if (command === 'mappings') {
			for (const m of imports.mappings(viewer)) console.log(`${m.id.padEnd(34)} ${m.attribution}`);
			return 0;
		}
		if (command === 'batches') {
			const batches = imports.batches(viewer);
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
			const result = imports.deleteBatch(viewer, id);
			console.log(`Deleted batch #${id} and its ${result.reports} reports; the statistics are updated.`);
			return 0;
		}
		const describeTable = Object.hasOwn(TABLE_COMMANDS, command) ? TABLE_COMMANDS[command]! : null;
		if (describeTable) {
			if (!arg) throw new Error(`Give the ${command} file to import.\n${USAGE}`);
			const result = await imports.importFile(viewer, { mapping: command, file: arg, limits });
			if ('table' in result) console.log(describeTable(result.rowsRead, result.stored));
			return 0;
		}
		if (command !== 'reports') throw new Error(`Unknown command "${command}".\n${USAGE}`);
		if (!arg) throw new Error(`Give the file to import.\n${USAGE}`);
		if (!values.mapping) throw new Error(`Give --mapping (a shipped id or a file).\n${USAGE}`);
		const skipInvalid = values['skip-invalid'];
		const rejectsFile = skipInvalid ? (values.rejects ?? `${arg}.rejects.csv`) : undefined;
		let lastShown = 0;
		const result = await imports.importFile(viewer, {
			mapping: values.mapping,
			file: arg,
			skipInvalid,
			rejectsFile,
			limits,
			onProgress: (p) => {
				if (!process.stderr.isTTY || Date.now() - lastShown < 250) return;
				lastShown = Date.now();
				process.stderr.write(
					`\r${Math.round((100 * p.bytesRead) / Math.max(1, p.bytesTotal))} % · ${p.rowsRead.toLocaleString('en')} rows`
				);
			}
		});
		if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
		if ('table' in result) {
			// `--mapping survey` (or another table's name) imports that table, as the upload does.
			console.log(`${result.rowsRead} rows read, ${result.stored} rows stored in ${result.table}.`);
			return 0;
		}
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
		// A refused file or mapping: nothing was stored. Other refusals (no such batch) and bugs
		// reach the caller, which prints the message.
		if (
			error instanceof ServiceError &&
			(error.code === 'import_rejected' || error.code === 'too_large' || error.code === 'unknown_mapping')
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

/** The --max-… flags as import limits (only those given; the configuration supplies the rest). */
function limitFlags(values: Record<string, string | boolean | undefined>): Partial<ImportLimits> {
	const number = (flag: string, min: number): number | undefined => {
		const text = values[flag];
		if (typeof text !== 'string') return undefined;
		const value = Number(text.replaceAll('_', ''));
		if (!Number.isInteger(value) || value < min)
			throw new Error(`--${flag} must be a whole number of at least ${min}, not "${text}"`);
		return value;
	};
	const inflatedMb = number('max-inflated-mb', 1);
	const limits: Partial<ImportLimits> = {
		maxInflatedBytes: inflatedMb === undefined ? undefined : inflatedMb * 1024 * 1024,
		maxRows: number('max-rows', 1),
		maxGzipRatio: number('max-gzip-ratio', 0)
	};
	return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
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
