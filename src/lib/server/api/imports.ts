import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import type { RowProblem } from '$lib/domain/import/rows';
import { audit } from '../auth/audit';
import { importReports, ImportRejected, type ImportProgress, type ImportResult } from '../import/importer';
import { MappingError, resolveMapping, shippedMappings } from '../import/mappings';
import { createResolverFactory } from '../import/resolvers';
import type { DB } from '../db/connection';
import { importBookletsCsv, importCommitmentsCsv, importDialoguesCsv } from '../dialogues/import';
import { importSurveyCsv } from '../surveys/panel';
import type { Mapping } from '$lib/domain/import/mapping';
import { deleteBatch, listBatches } from '../reports/batches';
import { access, clientIp } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

/** The pseudo-mapping of the leaders' survey files. */
/**
 * Files that are not reports: the leaders' panel and the dialogues' tables, each imported all or
 * nothing by its own importer, through the same upload and job queue.
 */
type TableImport = {
	run: (db: DB, file: string) => Promise<{ rows: number; stored: number }>;
	action: string;
};
/** The dialogues' tables answer `added`: rows stored, those already stored left as they are. */
const added =
	(run: (db: DB, file: string) => Promise<{ rows: number; added: number }>) =>
	async (db: DB, file: string) => {
		const { rows, added } = await run(db, file);
		return { rows, stored: added };
	};
const TABLES: Record<string, TableImport> = {
	survey: {
		run: async (db, file) => {
			const { rows, answers } = await importSurveyCsv(db, file);
			return { rows, stored: answers };
		},
		action: 'surveys.import'
	},
	dialogues: { run: added(importDialoguesCsv), action: 'dialogues.import' },
	booklets: { run: added(importBookletsCsv), action: 'booklets.import' },
	commitments: { run: added(importCommitmentsCsv), action: 'commitments.import' }
};

/**
 * Imports over HTTP for planners and admins: the file is streamed to a temporary file, then
 * imported by the same code as `npm run import`; the upload answers at once with a job whose
 * progress the page polls. One import runs at a time (SQLite has one writer anyway).
 */

type Job = {
	id: string;
	status: 'queued' | 'running' | 'done' | 'rejected' | 'failed';
	mapping: string;
	fileName: string;
	progress: ImportProgress;
	result?:
		| (Omit<ImportResult, 'problems'> & { problems: RowProblem[] })
		| { table: string; stored: number; rowsRead: number };
	error?: { message: string; problems: RowProblem[]; problemCount: number };
	startedBy: string;
	createdAt: number;
};

/** Finished jobs are kept this long for the page to read their result. */
const JOB_TTL_MS = 60 * 60 * 1000;

export function importRoutes({ db, config }: ApiDeps) {
	const jobs = new Map<string, Job>();
	const resolvers = createResolverFactory(db, config.boundariesSource);
	let queue: Promise<void> = Promise.resolve();

	const forget = () => {
		const now = Date.now();
		for (const [id, job] of jobs)
			if (now - job.createdAt > JOB_TTL_MS && job.status !== 'running') jobs.delete(id);
	};

	return new Hono<AppEnv>()
		.get('/mappings', access(['admin', 'planner']), (c) =>
			c.json({
				mappings: shippedMappings().map((m) => ({
					id: m.id,
					source: m.source,
					attribution: m.attribution,
					description: m.description ?? null
				}))
			})
		)
		.post(
			'/',
			access(['admin', 'planner'], { maxBodyBytes: config.uploadMaxBytes, note: 'file upload' }),
			validate(
				'query',
				z.object({
					mapping: z.string().regex(/^[a-z0-9-]{1,60}$/, 'must be the id of a shipped mapping'),
					fileName: z.string().max(255).default('upload.csv'),
					skipInvalid: z.enum(['true', 'false']).default('false')
				})
			),
			async (c) => {
				const q = c.req.valid('query');
				// `survey`, `dialogues`, `booklets`, `commitments` are tables of their own, not reports mappings.
				const table = Object.hasOwn(TABLES, q.mapping) ? TABLES[q.mapping]! : null;
				let mapping: Mapping | null = null;
				try {
					if (!table) mapping = resolveMapping(q.mapping);
				} catch (error) {
					if (error instanceof MappingError) throw new ApiError(400, 'unknown_mapping', error.message);
					throw error;
				}
				const body = c.req.raw.body;
				if (!body) throw new ApiError(400, 'invalid_request', 'Send the file as the request body');
				const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-upload-'));
				const file = path.join(dir, 'upload');
				try {
					await pipeline(Readable.fromWeb(body as WebReadableStream), fs.createWriteStream(file));
				} catch (error) {
					fs.rmSync(dir, { recursive: true, force: true });
					if (error instanceof ApiError) throw error;
					throw new ApiError(400, 'upload_failed', 'The upload was interrupted');
				}
				if (fs.statSync(file).size === 0) {
					fs.rmSync(dir, { recursive: true, force: true });
					throw new ApiError(400, 'empty_file', 'The file is empty');
				}
				forget();
				const user = c.get('user')!;
				const fileName = path.basename(q.fileName).replace(/[^\p{L}\p{N}._ -]/gu, '_');
				const job: Job = {
					id: randomUUID(),
					status: 'queued',
					mapping: q.mapping,
					fileName,
					progress: { bytesRead: 0, bytesTotal: fs.statSync(file).size, rowsRead: 0 },
					startedBy: user.email,
					createdAt: Date.now()
				};
				jobs.set(job.id, job);
				const ip = clientIp(c);
				queue = queue.then(async () => {
					job.status = 'running';
					try {
						if (table) {
							const { rows, stored } = await table.run(db, file);
							job.progress = { ...job.progress, bytesRead: job.progress.bytesTotal, rowsRead: rows };
							job.result = { table: q.mapping, stored, rowsRead: rows };
							job.status = 'done';
							audit(db, {
								actor: user,
								action: table.action,
								target: fileName,
								details: { rows, stored },
								ip
							});
							return;
						}
						const result = await importReports(
							{ db, resolvers },
							{
								file,
								fileName,
								mapping: mapping!,
								skipInvalid: q.skipInvalid === 'true',
								userId: user.id,
								onProgress: (p) => (job.progress = p)
							}
						);
						job.result = result;
						job.status = 'done';
						audit(db, {
							actor: user,
							action: 'reports.import',
							target: `batch:${result.batchId}`,
							details: {
								mapping: q.mapping,
								file: fileName,
								inserted: result.reportsInserted,
								duplicate: result.reportsDuplicate,
								rejected: result.rowsRejected
							},
							ip
						});
					} catch (error) {
						job.status = error instanceof ImportRejected ? 'rejected' : 'failed';
						job.error = {
							message:
								error instanceof ImportRejected
									? error.message.split('\n')[0]!
									: 'The import failed; nothing was stored',
							problems: error instanceof ImportRejected ? error.problems : [],
							problemCount: error instanceof ImportRejected ? error.problemCount : 0
						};
						if (!(error instanceof ImportRejected)) console.error('import failed', error);
					} finally {
						fs.rmSync(dir, { recursive: true, force: true });
					}
				});
				return c.json({ job: publicJob(job) }, 202);
			}
		)
		.get('/jobs/:id', access(['admin', 'planner']), validate('param', z.object({ id: z.uuid() })), (c) => {
			const job = jobs.get(c.req.valid('param').id);
			if (!job)
				throw new ApiError(404, 'not_found', 'No such import job (finished jobs are kept for an hour)');
			return c.json({ job: publicJob(job) });
		})
		.get('/batches', access(['admin', 'planner']), (c) => c.json({ batches: listBatches(db) }))
		.delete(
			'/batches/:id',
			access(['admin', 'planner']),
			validate('param', z.object({ id: z.coerce.number().int().positive() })),
			(c) => {
				const { id } = c.req.valid('param');
				const result = deleteBatch(db, id);
				if (!result.deleted) throw new ApiError(404, 'not_found', `No import batch ${id}`);
				audit(db, {
					actor: c.get('user'),
					action: 'reports.delete',
					target: `batch:${id}`,
					details: { reports: result.reports },
					ip: clientIp(c)
				});
				return c.json({ deleted: id, reports: result.reports });
			}
		);
}

function publicJob(job: Job) {
	return {
		id: job.id,
		status: job.status,
		mapping: job.mapping,
		fileName: job.fileName,
		progress: job.progress,
		result: job.result ?? null,
		error: job.error ?? null
	};
}
