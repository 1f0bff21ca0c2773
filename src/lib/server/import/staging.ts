import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The validated rows of a table import (dialogues, booklets, commitments, survey answers), kept in
 * a SQLite file of their own until the whole file has been read: memory stays flat however many
 * rows there are, and the app's database is written only afterwards, in one transaction, or not
 * at all. The app's connection cannot hold that transaction open while the file streams: other
 * requests write through the same connection meanwhile, and a rollback would take their writes
 * with it. (The reports importer stages its drafts the same way, in a table of its own shape.)
 */
export class StagedRows<T> {
	private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-staging-'));
	private readonly db = new Database(path.join(this.dir, 'rows.db'));
	private readonly insert: Database.Statement;
	private inChunk = 0;
	count = 0;

	constructor() {
		// A scratch file: nothing to recover after a crash, so no journal and no syncing.
		this.db.pragma('journal_mode = OFF');
		this.db.pragma('synchronous = OFF');
		this.db.exec('CREATE TABLE rows (seq INTEGER PRIMARY KEY, value TEXT NOT NULL); BEGIN');
		this.insert = this.db.prepare('INSERT INTO rows (value) VALUES (?)');
	}

	add(value: T): void {
		this.insert.run(JSON.stringify(value));
		this.count++;
		// Commits now and then so that SQLite's page cache, not a transaction, bounds the memory.
		if (++this.inChunk >= STAGING_CHUNK) {
			this.db.exec('COMMIT; BEGIN');
			this.inChunk = 0;
		}
	}

	/** The rows in the order they were added, read back one at a time. */
	*values(): Generator<T> {
		if (this.db.inTransaction) this.db.exec('COMMIT');
		const rows = this.db.prepare('SELECT value FROM rows ORDER BY seq').pluck();
		for (const value of rows.iterate() as Iterable<string>) yield JSON.parse(value) as T;
	}

	/** Deletes the file; call it in `finally`. */
	remove(): void {
		if (this.db.open) this.db.close();
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

const STAGING_CHUNK = 20_000;
