import type Database from 'better-sqlite3';

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * Prepares a statement once per connection. Queries are always bound parameters, never
 * string-built SQL (STYLE.md, convention 4).
 */
export function statement(db: Database.Database, sql: string): Database.Statement {
	let perDb = cache.get(db);
	if (!perDb) {
		perDb = new Map();
		cache.set(db, perDb);
	}
	let stmt = perDb.get(sql);
	if (!stmt) {
		stmt = db.prepare(sql);
		perDb.set(sql, stmt);
	}
	return stmt;
}
