import type Database from 'better-sqlite3';
import { createApi, type Api } from './api/app';
import { loadConfig, type AppConfig } from './config';
import { openDatabase } from './db/connection';

type ServerContext = { config: AppConfig; db: Database.Database; api: Api };

let context: ServerContext | null = null;

/** The running server's configuration, database and API, created on first use. */
export function serverContext(): ServerContext {
	if (!context) {
		const config = loadConfig();
		const db = openDatabase(config.databaseFile);
		context = { config, db, api: createApi({ db, config }) };
	}
	return context;
}
