import type Database from 'better-sqlite3';
import { createApi, type Api } from './api/app';
import { loadConfig, type AppConfig } from './config';
import { openDatabase } from './db/connection';
import { createServices, type Services } from './services';

type ServerContext = { config: AppConfig; db: Database.Database; services: Services; api: Api };

let context: ServerContext | null = null;

/**
 * The running server's configuration, database, services and API, created on first use. Pages
 * and the API share the same services (one statistics index, one import queue).
 */
export function serverContext(): ServerContext {
	if (!context) {
		const config = loadConfig();
		const db = openDatabase(config.databaseFile);
		const services = createServices({ db, config });
		context = { config, db, services, api: createApi({ db, config, services }) };
		// Build the statistics index now rather than on the first visitor's request (about a second
		// with a few million reports). Deferred so that the request that created the context is
		// answered first.
		setTimeout(() => {
			try {
				services.deps.stats.extent();
			} catch (error) {
				console.error('[stats] warm-up failed', error);
			}
		}, 1000);
	}
	return context;
}
