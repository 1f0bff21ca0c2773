import type Database from 'better-sqlite3';
import type { AppConfig } from '../config';
import type { ServiceOptions, Services } from '../services';

/**
 * What the API needs; passed in so tests can use a temporary database. Without `services` the
 * API creates its own (tests); the server passes the process's one (src/lib/server/context.ts) so
 * that pages and the API share one statistics index and one import queue.
 */
export type ApiDeps = ServiceOptions & { services?: Services };

/** What each resource's routes receive. */
export type RouteDeps = { db: Database.Database; config: AppConfig; services: Services };
