import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate';

export type DB = Database.Database;

/**
 * Opens (creating if needed) the SQLite database and brings its schema up to date.
 * WAL lets the API read while an import writes; foreign keys are off by default in SQLite.
 */
export function openDatabase(file: string): DB {
	if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('foreign_keys = ON');
	db.pragma('synchronous = NORMAL');
	db.pragma('busy_timeout = 5000');
	// 64 MB of page cache (default 2 MB): imports insert into an index of millions of references.
	db.pragma('cache_size = -65536');
	migrate(db);
	return db;
}
