import type Database from 'better-sqlite3';
import type { ScryptParams } from '../auth/password';
import type { AppConfig } from '../config';

/** What every API resource needs; passed in so tests can use a temporary database. */
export type ApiDeps = {
	db: Database.Database;
	config: AppConfig;
	/**
	 * Tests only: a cheaper scrypt cost so that suites creating many users run in seconds.
	 * Nothing outside tests sets it, and tests/api/access.spec.ts checks that the API uses
	 * SCRYPT_PRODUCTION (N = 2^17) without it.
	 */
	testOnlyScrypt?: ScryptParams;
};
