import type Database from 'better-sqlite3';
import { migrations as allMigrations } from './migrations/index';

export type Migration = {
	version: number;
	name: string;
	sql: string;
	/**
	 * A table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter): foreign keys are
	 * turned off around its transaction (the pragma is a no-op inside one), so that dropping the old
	 * table runs no ON DELETE action, and `foreign_key_check` must be empty before it commits.
	 */
	foreignKeysOff?: boolean;
};

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
		const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
		if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
		try {
			db.transaction(() => {
				db.exec(migration.sql);
				if (migration.foreignKeysOff) {
					const broken = db.pragma('foreign_key_check') as unknown[];
					if (broken.length > 0) {
						throw new Error(`Migration ${migration.version} breaks ${broken.length} foreign keys`);
					}
				}
				record.run(migration.version, migration.name);
			})();
		} finally {
			if (migration.foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
		}
		done.push(migration.version);
	}
	return done;
}
