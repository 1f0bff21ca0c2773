import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { recordKeys } from './record-keys';

/**
 * The release's input: per category × municipality × month, the true total of the reports and
 * the sum of their record keys (mod 256). Stored per import batch (`release_batch_cells`,
 * migration 009), computed once when the builder first meets a batch, so that a release after an
 * edit of a dialogue reads a few hundred thousand cells, not millions of reports.
 */

/** Rows read between two pauses of the builder. */
const ROWS_PER_STEP = 50_000;

export type CategoryCells = { municipality: number[]; month: number[]; total: number[]; key: number[] };

/** A batch met for the first time: its cells, to be stored when the release is saved. */
export type FreshBatch = {
	batchId: number;
	cells: { category: string; municipality: string; month: number; total: number; key: number }[];
};

/**
 * The next ROWS_PER_STEP rows of a statement running on the builder's own connection (`next()` by
 * hand: leaving a for…of would close the statement).
 */
function take<T>(iterator: IterableIterator<T>): T[] {
	const chunk: T[] = [];
	while (chunk.length < ROWS_PER_STEP) {
		const next = iterator.next();
		if (next.done) break;
		chunk.push(next.value);
	}
	return chunk;
}

/** Month indices of reports start in 1900 (the importer refuses earlier years). */
const FIRST_MONTH = 1900 * 12;

/**
 * Every cell of every batch, from the store and, for batches not yet stored, from their reports.
 * `read` is the builder's snapshot connection; `municipalities` fixes the municipality positions.
 */
export function* readBaseCells(
	read: DB,
	municipalities: readonly string[],
	salt: Buffer
): Generator<void, { cells: Map<string, CategoryCells>; fresh: FreshBatch[] }, void> {
	const position = new Map(municipalities.map((code, i) => [code, i]));
	const cells = new Map<string, CategoryCells>();
	const add = (category: string, code: string, month: number, total: number, key: number) => {
		const m = position.get(code);
		if (m === undefined) return;
		let list = cells.get(category);
		if (!list) cells.set(category, (list = { municipality: [], month: [], total: [], key: [] }));
		list.municipality.push(m);
		list.month.push(month);
		list.total.push(total);
		list.key.push(key);
	};

	const stored = read
		.prepare('SELECT category, municipality_code, month, total, key_sum FROM release_batch_cells')
		.raw()
		.iterate() as IterableIterator<[string, string, number, number, number]>;
	for (;;) {
		const chunk = take(stored);
		for (const [category, code, month, total, key] of chunk) add(category, code, month, total, key);
		if (chunk.length < ROWS_PER_STEP) break;
		yield;
	}

	const pending = read
		.prepare(
			`SELECT b.id FROM import_batches b WHERE NOT EXISTS (SELECT 1 FROM release_batches r WHERE r.batch_id = b.id)
			 ORDER BY b.id`
		)
		.pluck()
		.all() as number[];
	const fresh: FreshBatch[] = [];
	for (const batchId of pending) {
		const batch = yield* scanBatch(read, batchId, salt);
		for (const c of batch.cells) add(c.category, c.municipality, c.month, c.total, c.key);
		fresh.push(batch);
	}
	return { cells, fresh };
}

/** One batch's cells from its reports: true totals and key sums per category × municipality × month. */
function* scanBatch(read: DB, batchId: number, salt: Buffer): Generator<void, FreshBatch, void> {
	const range = read
		.prepare('SELECT min(id) AS low, max(id) AS high FROM reports WHERE batch_id = ?')
		.get(batchId) as {
		low: number | null;
		high: number | null;
	};
	if (range.low === null || range.high === null) return { batchId, cells: [] };
	const keys = recordKeys(salt, range.low, range.high);
	const categories = new Map<string, number>();
	const positions = new Map<string, number>();
	const index = new Map<number, number>();
	const out: FreshBatch['cells'] = [];
	const reports = read
		.prepare(
			`SELECT id, category, municipality_code,
				CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1, count
			 FROM reports WHERE batch_id = ?`
		)
		.raw()
		.iterate(batchId) as IterableIterator<[number, string, string, number, number]>;
	for (;;) {
		const chunk = take(reports);
		for (const [id, category, code, month, count] of chunk) {
			let c = categories.get(category);
			if (c === undefined) categories.set(category, (c = categories.size));
			let m = positions.get(code);
			if (m === undefined) positions.set(code, (m = positions.size));
			const cellId = (c * 4096 + m) * 4096 + (month - FIRST_MONTH);
			let i = index.get(cellId);
			if (i === undefined) {
				i = out.length;
				index.set(cellId, i);
				out.push({ category, municipality: code, month, total: 0, key: 0 });
			}
			const cell = out[i]!;
			cell.total += count;
			cell.key = (cell.key + keys[id - range.low]!) & 255;
		}
		if (chunk.length < ROWS_PER_STEP) break;
		yield;
	}
	return { batchId, cells: out };
}

/** Stores the cells of batches met for the first time (skipping any deleted meanwhile). */
export function storeFreshBatches(db: DB, fresh: readonly FreshBatch[]): void {
	const exists = statement(db, 'SELECT 1 FROM import_batches WHERE id = ?');
	const done = statement(db, 'INSERT OR IGNORE INTO release_batches (batch_id, cells) VALUES (?, ?)');
	const insert = statement(
		db,
		`INSERT OR IGNORE INTO release_batch_cells (batch_id, category, municipality_code, month, total, key_sum)
		 VALUES (?, ?, ?, ?, ?, ?)`
	);
	for (const batch of fresh) {
		if (!exists.get(batch.batchId)) continue;
		if (done.run(batch.batchId, batch.cells.length).changes === 0) continue;
		for (const c of batch.cells)
			insert.run(batch.batchId, c.category, c.municipality, c.month, c.total, c.key);
	}
}
