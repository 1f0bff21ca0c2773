import type Database from 'better-sqlite3';
import { migrations as allMigrations } from './migrations/index';

export type Migration = { version: number; name: string; sql: string };

/**
 * Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction,
 * and returns the versions it applied.
 */
export function migrate(db: Database.Database, migrations: Migration[] = allMigrations): number[] {
	const versions = migrations.map((m) => m.version);
	if (versions.some((v, i) => i > 0 && v <= versions[i - 1]!)) {
		throw new Error(`Migration versions must increase strictly: ${versions.join(', ')}`);
	}
	db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
	)`);
	const applied = new Set(
		db
			.prepare('SELECT version FROM schema_migrations')
			.all()
			.map((row) => (row as { version: number }).version)
	);
	const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
	const done: number[] = [];
	for (const migration of migrations) {
		if (applied.has(migration.version)) continue;
		db.transaction(() => {
			db.exec(migration.sql);
			record.run(migration.version, migration.name);
		})();
		done.push(migration.version);
	}
	return done;
}
