import type { DB } from '../db/connection';

/**
 * A counter bumped by every change to the reports (import, batch deletion), kept in the database
 * so that a server notices an import made by the command line and rebuilds its statistics index.
 */
const KEY = 'reports_version';

export function reportsVersion(db: DB): number {
	const row = db.prepare('SELECT value FROM dataset_meta WHERE key = ?').get(KEY) as
		{ value: string } | undefined;
	return row ? Number(row.value) : 0;
}

export function bumpReportsVersion(db: DB): void {
	db.prepare(
		`INSERT INTO dataset_meta (key, value) VALUES (?, '1')
		 ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`
	).run(KEY);
}
