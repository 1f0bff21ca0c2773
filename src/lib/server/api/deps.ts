import type Database from 'better-sqlite3';
import type { AppConfig } from '../config';

/** What every API resource needs; passed in so tests can use a temporary database. */
export type ApiDeps = { db: Database.Database; config: AppConfig };
