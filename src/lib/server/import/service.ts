import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Mapping } from '$lib/domain/import/mapping';
import type { RowProblem } from '$lib/domain/import/rows';
import { audit } from '../auth/audit';
import type { ImportLimits } from '../config';
import { ServiceError } from '../errors';
import { deleteBatch, listBatches, type ImportBatch } from '../reports/batches';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { importReports, ImportRejected, type ImportProgress, type ImportResult } from './importer';
import { MappingError, resolveMapping, resolveShippedMapping, shippedMappings } from './mappings';
import { createResolverFactory } from './resolvers';
import { SourceFileError, SourceTooLarge } from './source-file';
import { tableImport, type TableImport, type TableName } from './tables';

/**
 * Imports for planners and admins, over HTTP and from the command line alike: reports through a
 * mapping (data/mappings), and the tables that are not reports (tables.ts). An upload is streamed
 * to a temporary file and answered at once with a job whose progress the page polls; the command
 * line imports its file directly. Either way one import runs at a time (SQLite has one writer
 * anyway) and each writes the same audit entry, `reports.import` or `<table>.import`, with the
 * caller as actor (`cli:<user>` at the command line); a refused file writes one
 * `reports.import_rejected` or `<table>.import_rejected` entry with its problem count and first
 * problem, however many problems it has.
 *
 * What an import reads is bounded by `config.importLimits` (inflated size, rows, gzip ratio,
 * counted as the file streams: source-file.ts); the command line may raise them per import.
 * Past a limit the import is refused as `too_large`, naming the setting, and nothing is stored.
 *
 * The statistics index follows on its own: the importer and batch deletion bump the reports
 * version in the database (reports/version.ts), which the index checks before every answer.
 */

export type MappingView = { id: string; source: string; attribution: string; description: string | null };

/** What a table import answers (a reports import answers its `ImportResult`). */
export type TableImportResult = { table: TableName; stored: number; rowsRead: number };
export type ImportOutcome = ImportResult | TableImportResult;

export type ImportJobView = {
	id: string;
	status: 'queued' | 'running' | 'done' | 'rejected' | 'failed';
	mapping: string;
	fileName: string;
	progress: ImportProgress;
	result: ImportOutcome | null;
	error: {
		/** `import_rejected`, `too_large` (past a limit), or `failed` (a bug: nothing was stored). */
		code: 'import_rejected' | 'too_large' | 'failed';
		message: string;
		problems: RowProblem[];
		problemCount: number;
	} | null;
};

type Job = ImportJobView & { createdAt: number };

export type UploadOptions = { mapping: string; fileName: string; skipInvalid: boolean };

export type FileImportOptions = {
	/** A shipped mapping id, a path to a mapping file, or a table name (`survey`, `dialogues`, …). */
	mapping: string;
	file: string;
	skipInvalid?: boolean;
	/** With skipInvalid: where the rows left out are written, with their reasons. */
	rejectsFile?: string;
	onProgress?: (progress: ImportProgress) => void;
	/** Limits raised (or lowered) for this import: the command line's --max-… flags. */
	limits?: Partial<ImportLimits>;
};

/** A reports mapping or a table, resolved before any byte is read. */
type Plan = { table: TableImport & { table: TableName }; mapping: null } | { table: null; mapping: Mapping };

/** Finished jobs are kept this long for the page to read their result. */
const JOB_TTL_MS = 60 * 60 * 1000;

export function createImportService({ db, config }: ServiceDeps) {
	const jobs = new Map<string, Job>();
	const resolvers = createResolverFactory(db, config.boundariesSource);
	let queue: Promise<unknown> = Promise.resolve();

	/** Runs imports one after the other, whoever started them. */
	const serially = <T>(task: () => Promise<T>): Promise<T> => {
		const run = queue.then(task);
		queue = run.catch(() => undefined);
		return run;
	};

	const forgetOldJobs = () => {
		const now = Date.now();
		for (const [id, job] of jobs)
			if (now - job.createdAt > JOB_TTL_MS && job.status !== 'running') jobs.delete(id);
	};

	type RunInput = { file: string; fileName: string } & Omit<FileImportOptions, 'mapping' | 'file'>;

	/** Imports one file and writes its audit entry, or the entry of its refusal. */
	async function run(viewer: Viewer, plan: Plan, input: RunInput): Promise<ImportOutcome> {
		try {
			return await store(viewer, plan, input);
		} catch (error) {
			const refusal = refusalOf(error);
			if (refusal) {
				const problems = (refusal.details as { problems?: RowProblem[] } | undefined)?.problems ?? [];
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: `${plan.table ? plan.table.action : 'reports.import'}_rejected`,
					target: input.fileName,
					details: {
						mapping: plan.table ? plan.table.table : plan.mapping.id,
						code: refusal.code,
						reason: refusal.message.split('\n')[0]!.slice(0, 300),
						problemCount: error instanceof ImportRejected ? error.problemCount : 0,
						firstProblem: problems[0] ?? null
					}
				});
			}
			throw error;
		}
	}

	async function store(viewer: Viewer, plan: Plan, input: RunInput): Promise<ImportOutcome> {
		const by = { actor: viewer.actor, ip: viewer.ip };
		const limits: ImportLimits = { ...config.importLimits, ...input.limits };
		if (plan.table) {
			const { rows, stored } = await plan.table.run(db, input.file, limits);
			audit(db, {
				...by,
				action: plan.table.action,
				target: input.fileName,
				details: { rows, stored }
			});
			return { table: plan.table.table, stored, rowsRead: rows };
		}
		const result = await importReports(
			{ db, resolvers },
			{
				file: input.file,
				fileName: input.fileName,
				mapping: plan.mapping,
				skipInvalid: input.skipInvalid ?? false,
				rejectsFile: input.rejectsFile,
				// The command line has no user row (actor id null): its batches name nobody.
				userId: viewer.actor?.id ?? null,
				onProgress: input.onProgress,
				limits
			}
		);
		audit(db, {
			...by,
			action: 'reports.import',
			target: `batch:${result.batchId}`,
			details: {
				mapping: plan.mapping.id,
				file: input.fileName,
				inserted: result.reportsInserted,
				duplicate: result.reportsDuplicate,
				rejected: result.rowsRejected
			}
		});
		return result;
	}

	/** The job's slot in the queue: its status, progress and result or error as the page reads them. */
	async function runJob(viewer: Viewer, job: Job, plan: Plan, dir: string, skipInvalid: boolean) {
		job.status = 'running';
		const file = path.join(dir, 'upload');
		try {
			const result = await run(viewer, plan, {
				file,
				fileName: job.fileName,
				skipInvalid,
				onProgress: (p) => (job.progress = p)
			});
			if ('table' in result)
				job.progress = { ...job.progress, bytesRead: job.progress.bytesTotal, rowsRead: result.rowsRead };
			job.result = result;
			job.status = 'done';
		} catch (error) {
			const refusal = refusalOf(error);
			const rejected = error instanceof ImportRejected;
			job.status = refusal ? 'rejected' : 'failed';
			job.error = {
				code: refusal ? (refusal.code as 'import_rejected' | 'too_large') : 'failed',
				message: refusal ? refusal.message.split('\n')[0]! : 'The import failed; nothing was stored',
				problems: rejected ? error.problems : [],
				problemCount: rejected ? error.problemCount : 0
			};
			if (!refusal) console.error('import failed', error);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}

	return {
		mappings(viewer: Viewer): MappingView[] {
			assertImporter(viewer);
			return shippedMappings().map((m) => ({
				id: m.id,
				source: m.source,
				attribution: m.attribution,
				description: m.description ?? null
			}));
		},

		/**
		 * Saves an upload to a temporary file and queues its import; answers the job at once. Over
		 * HTTP a mapping is only ever a shipped id, never a path on the server.
		 */
		async enqueueUpload(
			viewer: Viewer,
			body: ReadableStream<Uint8Array> | null,
			options: UploadOptions
		): Promise<ImportJobView> {
			assertImporter(viewer);
			const plan = planFor(options.mapping, resolveShippedMapping);
			if (!body) throw new ServiceError('invalid_request', 'Send the file as the request body');
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-upload-'));
			const file = path.join(dir, 'upload');
			try {
				await pipeline(Readable.fromWeb(body as NodeReadableStream), fs.createWriteStream(file));
			} catch (error) {
				fs.rmSync(dir, { recursive: true, force: true });
				// Past the route's body limit, counted as it streamed (api/body-limit.ts): 413, not a
				// broken upload.
				if (error instanceof ServiceError) throw error;
				throw new ServiceError('upload_failed', 'The upload was interrupted');
			}
			const size = fs.statSync(file).size;
			if (size === 0) {
				fs.rmSync(dir, { recursive: true, force: true });
				throw new ServiceError('empty_file', 'The file is empty');
			}
			forgetOldJobs();
			const job: Job = {
				id: randomUUID(),
				status: 'queued',
				mapping: options.mapping,
				fileName: path.basename(options.fileName).replace(/[^\p{L}\p{N}._ -]/gu, '_'),
				progress: { bytesRead: 0, bytesTotal: size, rowsRead: 0 },
				result: null,
				error: null,
				createdAt: Date.now()
			};
			jobs.set(job.id, job);
			void serially(() => runJob(viewer, job, plan, dir, options.skipInvalid));
			return view(job);
		},

		job(viewer: Viewer, id: string): ImportJobView {
			assertImporter(viewer);
			const job = jobs.get(id);
			if (!job)
				throw new ServiceError('not_found', 'No such import job (finished jobs are kept for an hour)');
			return view(job);
		},

		/**
		 * Imports a file on this machine (the command line), in turn with the uploads. Refusals come
		 * as ServiceErrors: `unknown_mapping`, `import_rejected` with the problems as details, or
		 * `too_large` naming the limit (nothing was stored).
		 */
		importFile(viewer: Viewer, options: FileImportOptions): Promise<ImportOutcome> {
			assertImporter(viewer);
			const plan = planFor(options.mapping, resolveMapping);
			return serially(() =>
				run(viewer, plan, { ...options, fileName: path.basename(options.file) }).catch((error: unknown) => {
					throw refusalOf(error) ?? error;
				})
			);
		},

		batches(viewer: Viewer): ImportBatch[] {
			assertImporter(viewer);
			return listBatches(db);
		},

		/** Deletes a batch and its reports; the audit entry is written in the same transaction. */
		deleteBatch(viewer: Viewer, id: number): { deleted: number; reports: number } {
			assertImporter(viewer);
			return db.transaction(() => {
				const result = deleteBatch(db, id);
				if (!result.deleted) throw new ServiceError('not_found', `No import batch ${id}`);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'reports.delete',
					target: `batch:${id}`,
					details: { reports: result.reports }
				});
				return { deleted: id, reports: result.reports };
			})();
		}
	};
}

export type ImportService = ReturnType<typeof createImportService>;

/** The routes and pages check the role first; the service checks it again so no caller skips it. */
function assertImporter(viewer: Viewer): void {
	const role = viewer.user?.role;
	if (role !== 'admin' && role !== 'planner')
		throw new ServiceError('forbidden', 'Only planners and admins import data');
}

/** A refused file as the service's refusal, or null for anything else (a bug). */
function refusalOf(error: unknown): ServiceError | null {
	if (error instanceof ImportRejected)
		return new ServiceError(error.code, error.message, {
			problems: error.problems,
			problemCount: error.problemCount
		});
	if (error instanceof SourceFileError)
		return new ServiceError(error instanceof SourceTooLarge ? 'too_large' : 'import_rejected', error.message);
	return null;
}

/** `survey`, `dialogues`, `booklets`, `commitments` are tables of their own, not reports mappings. */
function planFor(name: string, resolve: (name: string) => Mapping): Plan {
	const table = tableImport(name);
	if (table) return { table, mapping: null };
	try {
		return { table: null, mapping: resolve(name) };
	} catch (error) {
		if (error instanceof MappingError) throw new ServiceError('unknown_mapping', error.message);
		throw error;
	}
}

function view(job: Job): ImportJobView {
	return {
		id: job.id,
		status: job.status,
		mapping: job.mapping,
		fileName: job.fileName,
		progress: job.progress,
		result: job.result,
		error: job.error
	};
}
