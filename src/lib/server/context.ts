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
		// Build the statistics index now rather than on the first visitor's request (about a second
		// with a few million reports).
		const api = context.api;
		// Deferred so that the request that created the context is answered first.
		setTimeout(() => void Promise.resolve(api.request('/api/stats/extent')).catch(() => undefined), 1000);
	}
	return context;
}
