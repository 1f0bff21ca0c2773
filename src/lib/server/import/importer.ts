import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvField } from '$lib/domain/csv';
import { columnsOf, type Mapping } from '$lib/domain/import/mapping';
import { createRowMapper, type ReportDraft, type Resolvers, type RowProblem } from '$lib/domain/import/rows';
import type { ImportLimits } from '../config';
import type { DB } from '../db/connection';
import { addBatchToRollup, addStagingToRollup } from '../reports/rollup';
import { bumpReportsVersion } from '../reports/version';
import { openSourceFile, SourceFileError, SourceTooLarge, type SourceRecord } from './source-file';

/**
 * Imports one source file of reports in two steps, so that the database is never half-written:
 *
 * 1. Stream: every record is read, mapped and validated, and the good ones are written to a
 *    staging SQLite file of their own (no lock on the app's database, flat memory however large
 *    the file).
 * 2. Merge: in ONE transaction on the app's database, the batch row, its reports (a source
 *    reference already stored is skipped: re-importing adds nothing) and the rollup are written.
 *
 * A rejected, failed or interrupted import never reaches step 2, or is rolled back by SQLite.
 */

export const MAX_PROBLEMS_LISTED = 100;

export type ImportOptions = {
	file: string;
	/** The name shown in the batch list (an upload's original name); defaults to the file's. */
	fileName?: string;
	mapping: Mapping;
	/** Load the good rows and leave out the bad ones (written to `rejectsFile` when given). */
	skipInvalid?: boolean;
	rejectsFile?: string;
	userId?: number | null;
	onProgress?: (progress: ImportProgress) => void;
	/** What is read at most (the configuration's defaults when left out). */
	limits?: ImportLimits;
};

export type ImportProgress = { bytesRead: number; bytesTotal: number; rowsRead: number };

export type ImportResult = {
	batchId: number;
	rowsRead: number;
	reportsInserted: number;
	reportsDuplicate: number;
	rowsRejected: number;
	rowsPointOutside: number;
	/** The first problems (rows left out with skipInvalid), then `problemCount` in all. */
	problems: RowProblem[];
	problemCount: number;
	durationMs: number;
};

/** The file was refused: nothing was stored. */
export class ImportRejected extends Error {
	constructor(
		message: string,
		readonly problems: RowProblem[] = [],
		readonly problemCount = problems.length,
		/** `too_large`: past a limit of import/source-file.ts, whatever its rows. */
		readonly code: 'import_rejected' | 'too_large' = 'import_rejected'
	) {
		super(message);
		this.name = 'ImportRejected';
	}
}

/** Formats problems for people: "row 12, column fecha: … ", then "… and N more". */
export function describeProblems(problems: readonly RowProblem[], total: number): string {
	const lines = problems.map((p) => `row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.reason}`);
	if (total > problems.length) lines.push(`… and ${total - problems.length} more`);
	return lines.join('\n');
}

export type ImportDeps = {
	db: DB;
	/** Builds the lookups for a mapping (the point locator only when the mapping has points). */
	resolvers: (mapping: Mapping) => Promise<Omit<Resolvers, 'digest'>>;
};

const STAGING_SCHEMA = `
CREATE TABLE drafts (
	seq INTEGER PRIMARY KEY,
	ref TEXT NOT NULL,
	by_content INTEGER NOT NULL,
	category TEXT NOT NULL,
	municipality_code TEXT NOT NULL,
	date TEXT NOT NULL,
	month TEXT NOT NULL,
	date_precision TEXT NOT NULL,
	lon REAL,
	lat REAL,
	point_precision TEXT,
	point_outside INTEGER NOT NULL,
	count REAL NOT NULL,
	attributes TEXT
);`;

/** Rows between commits of the staging file (its own, unshared, so size only affects speed). */
const STAGING_CHUNK = 20_000;

const digest = (values: readonly string[]) =>
	createHash('sha1').update(values.join('\u001f')).digest('base64url').slice(0, 22);

export async function importReports(deps: ImportDeps, options: ImportOptions): Promise<ImportResult> {
	const started = performance.now();
	const { mapping } = options;
	const source = await openSourceFile(options.file, mapping, options.limits);

	const missing = columnsOf(mapping).filter((c) => !source.header.includes(c) && !c.startsWith('$'));
	if (missing.length > 0) {
		throw new ImportRejected(
			`The file has no column ${missing.map((c) => `"${c}"`).join(', ')} that mapping "${mapping.id}" reads. Its columns are: ${source.header.map((c) => `"${c}"`).join(', ')}`
		);
	}

	const resolvers: Resolvers = { ...(await deps.resolvers(mapping)), digest };
	const mapRow = createRowMapper(mapping, source.header, resolvers);

	const stagingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-import-'));
	const staging = new Database(path.join(stagingDir, 'staging.db'));
	const rejects =
		options.skipInvalid && options.rejectsFile ? new RejectsWriter(options.rejectsFile, source.header) : null;
	try {
		staging.pragma('journal_mode = OFF');
		staging.pragma('synchronous = OFF');
		staging.exec(STAGING_SCHEMA);
		const staged = new StagingWriter(staging);

		const problems: RowProblem[] = [];
		let problemCount = 0;
		let rowsRead = 0;
		let rowsRejected = 0;
		let rowsPointOutside = 0;
		const note = (p: RowProblem) => {
			problemCount++;
			if (problems.length < MAX_PROBLEMS_LISTED) problems.push(p);
		};

		staging.exec('BEGIN');
		let inChunk = 0;
		try {
			for await (const record of source.records) {
				rowsRead++;
				if (!('values' in record)) {
					note({ row: record.row, column: null, reason: record.reason });
					rowsRejected++;
					rejects?.write(record.row, null, record.reason, null);
					continue;
				}
				const result = mapRow((record as SourceRecord).values, record.row);
				if ('problems' in result) {
					result.problems.forEach(note);
					rowsRejected++;
					rejects?.write(
						record.row,
						result.problems[0]!.column,
						result.problems.map((p) => p.reason).join('; '),
						record.values
					);
					continue;
				}
				// Once a strict import has a problem the file is refused: keep reading only to count.
				if (problemCount > 0 && !options.skipInvalid) continue;
				for (const draft of result.drafts) {
					staged.add(draft);
					if (draft.pointOutside) rowsPointOutside++;
				}
				if (++inChunk >= STAGING_CHUNK) {
					staged.flush();
					staging.exec('COMMIT; BEGIN');
					inChunk = 0;
					options.onProgress?.({ bytesRead: source.bytesRead(), bytesTotal: source.bytesTotal, rowsRead });
					// Let the server answer other requests between chunks.
					await new Promise((resolve) => setImmediate(resolve));
				}
			}
			staged.flush();
			staging.exec('COMMIT');
		} catch (error) {
			if (staging.inTransaction) staging.exec('ROLLBACK');
			if (error instanceof SourceFileError)
				throw new ImportRejected(
					error.message,
					[],
					0,
					error instanceof SourceTooLarge ? 'too_large' : 'import_rejected'
				);
			throw error;
		}
		options.onProgress?.({ bytesRead: source.bytesTotal, bytesTotal: source.bytesTotal, rowsRead });

		if (problemCount > 0 && !options.skipInvalid) {
			throw new ImportRejected(
				`The file was not imported: ${problemCount} row${problemCount === 1 ? '' : 's'} cannot be read. Fix them, or choose to skip invalid rows (--skip-invalid on the command line) to load the others.\n${describeProblems(problems, problemCount)}`,
				problems,
				problemCount
			);
		}
		await rejects?.close();
		staging.close();

		const merged = mergeStaging(deps.db, path.join(stagingDir, 'staging.db'), {
			mapping,
			fileName: options.fileName ?? path.basename(options.file),
			sha256: source.sha256(),
			rowsRead,
			rowsRejected,
			rowsPointOutside,
			userId: options.userId ?? null
		});
		return {
			...merged,
			rowsRead,
			rowsRejected,
			rowsPointOutside,
			problems,
			problemCount,
			durationMs: performance.now() - started
		};
	} finally {
		if (staging.open) staging.close();
		await rejects?.close();
		fs.rmSync(stagingDir, { recursive: true, force: true });
	}
}

type MergeInput = {
	mapping: Mapping;
	fileName: string;
	sha256: string;
	rowsRead: number;
	rowsRejected: number;
	rowsPointOutside: number;
	userId: number | null;
};

/** Step 2: one transaction on the app's database. */
function mergeStaging(
	db: DB,
	stagingFile: string,
	input: MergeInput
): { batchId: number; reportsInserted: number; reportsDuplicate: number } {
	db.prepare('ATTACH DATABASE ? AS staging').run(stagingFile);
	try {
		return db.transaction(() => {
			const batchId = Number(
				db
					.prepare(
						`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read,
							rows_inserted, rows_duplicate, rows_rejected, rows_point_outside, imported_at, imported_by, coverage)
						 VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?)`
					)
					.run(
						input.mapping.source,
						input.mapping.id,
						input.fileName.slice(0, 255),
						input.sha256,
						input.mapping.attribution,
						input.rowsRead,
						input.rowsRejected,
						input.rowsPointOutside,
						input.userId,
						input.mapping.coverage ? JSON.stringify(input.mapping.coverage) : null
					).lastInsertRowid
			);
			const staged = (db.prepare('SELECT count(*) AS n FROM staging.drafts').get() as { n: number }).n;
			// Identical rows of a file without ids are told apart by their occurrence number.
			const inserted = db
				.prepare(
					`INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month,
						date_precision, lon, lat, point_precision, point_outside, count, attributes)
					 SELECT ?, ?,
						CASE WHEN by_content THEN ref || '#' || row_number() OVER (PARTITION BY ref ORDER BY seq) ELSE ref END,
						category, municipality_code, date, month, date_precision, lon, lat, point_precision,
						point_outside, count, attributes
					 FROM staging.drafts WHERE true ORDER BY ref, seq
					 ON CONFLICT (source, source_ref) DO NOTHING`
				)
				.run(batchId, input.mapping.source).changes;
			// Without duplicates the staged drafts are exactly the batch: roll them up from the staging
			// file (a sequential scan) rather than from the reports table (an index lookup per row).
			if (inserted === staged) addStagingToRollup(db);
			else addBatchToRollup(db, batchId, +1);
			db.prepare(
				`UPDATE import_batches SET categories = (SELECT json_group_array(DISTINCT category) FROM staging.drafts)
				 WHERE id = ?`
			).run(batchId);
			db.prepare('UPDATE import_batches SET rows_inserted = ?, rows_duplicate = ? WHERE id = ?').run(
				inserted,
				staged - inserted,
				batchId
			);
			bumpReportsVersion(db);
			return { batchId, reportsInserted: inserted, reportsDuplicate: staged - inserted };
		})();
	} finally {
		db.prepare('DETACH DATABASE staging').run();
	}
}

const STAGING_COLUMNS = 13;
/** Drafts per INSERT statement: one statement per row would cost more than the row itself. */
const ROWS_PER_STATEMENT = 200;

/** Buffers drafts and writes them to the staging file with multi-row INSERTs. */
class StagingWriter {
	private readonly values: unknown[] = [];
	private readonly many: Database.Statement;
	private readonly one: Database.Statement;

	constructor(private readonly staging: Database.Database) {
		const sql = (rows: number) =>
			`INSERT INTO drafts (ref, by_content, category, municipality_code, date, month, date_precision,
				lon, lat, point_precision, point_outside, count, attributes)
			 VALUES ${Array.from({ length: rows }, () => `(${new Array(STAGING_COLUMNS).fill('?').join(',')})`).join(',')}`;
		this.many = staging.prepare(sql(ROWS_PER_STATEMENT));
		this.one = staging.prepare(sql(1));
	}

	add(d: ReportDraft): void {
		this.values.push(
			d.ref,
			d.byContent ? 1 : 0,
			d.category,
			d.municipalityCode,
			d.date,
			d.month,
			d.datePrecision,
			d.lon,
			d.lat,
			d.pointPrecision,
			d.pointOutside ? 1 : 0,
			d.count,
			d.attributes
		);
		if (this.values.length === ROWS_PER_STATEMENT * STAGING_COLUMNS) {
			this.many.run(this.values);
			this.values.length = 0;
		}
	}

	flush(): void {
		for (let i = 0; i < this.values.length; i += STAGING_COLUMNS) {
			this.one.run(this.values.slice(i, i + STAGING_COLUMNS));
		}
		this.values.length = 0;
	}
}

/** Rejected rows with their reasons, as CSV: `_row,_column,_reason` then the row's own columns. */
class RejectsWriter {
	private readonly stream: fs.WriteStream;
	private closed: Promise<void> | null = null;

	constructor(
		file: string,
		private readonly header: string[]
	) {
		fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
		this.stream = fs.createWriteStream(file);
		this.stream.write(`${['_row', '_column', '_reason', ...header].map(csvField).join(',')}\n`);
	}

	write(row: number, column: string | null, reason: string, values: readonly string[] | null) {
		const fields = [String(row), column ?? '', reason, ...(values ?? [])];
		this.stream.write(`${fields.map(csvField).join(',')}\n`);
	}

	close(): Promise<void> {
		this.closed ??= new Promise((resolve, reject) =>
			this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()))
		);
		return this.closed;
	}
}
