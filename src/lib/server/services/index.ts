import type Database from 'better-sqlite3';
import {
	createPasswordHasher,
	passwordHasher,
	type PasswordHasher,
	type ScryptParams
} from '../auth/password';
import type { AppConfig } from '../config';
import { createAlertService } from '../alerts/service';
import { createAnalysisService } from '../analysis/service';
import { createContextService } from '../context-layers/service';
import { createCommunityService } from '../community/service';
import { createDialogueService } from '../dialogues/service';
import { createGeographyService } from '../geography/service';
import { createImportService } from '../import/service';
import { createReleaseService, type ReleaseService } from '../release/service';
import { createReportService } from '../reports/service';
import { createStatsService, type StatsService } from '../stats/stats';
import { createSurveyService } from '../surveys/service';
import { createUserService } from '../auth/service';

/**
 * The service layer: one module per feature, each owning its SQL, its transactions, jurisdiction
 * scoping (src/lib/server/scope.ts), disclosure control and its audit entries. Every function
 * takes the caller explicitly (a `Viewer`, src/lib/server/viewer.ts). The HTTP API
 * (src/lib/server/api), the pages (`+page.server.ts`) and the command line (scripts/) call these
 * and nothing below them.
 *
 * Created once per process (src/lib/server/context.ts); tests create their own on a temp database.
 */
export type ServiceDeps = {
	db: Database.Database;
	config: AppConfig;
	/** The in-memory statistics index of reports, shared by the services that read figures. */
	stats: StatsService;
	/**
	 * The current public release (src/lib/server/release): every answer to the anonymous public is
	 * a slice of it, never a figure from the statistics index.
	 */
	release: ReleaseService;
	hasher: PasswordHasher;
};

export type ServiceOptions = {
	db: Database.Database;
	config: AppConfig;
	/**
	 * Tests only: a cheaper scrypt cost so that suites creating many users run in seconds.
	 * Nothing outside tests sets it, and tests/api/access.spec.ts checks that the API uses
	 * SCRYPT_PRODUCTION (N = 2^17) without it.
	 */
	testOnlyScrypt?: ScryptParams;
};

export function createServices({ db, config, testOnlyScrypt }: ServiceOptions) {
	const deps: ServiceDeps = {
		db,
		config,
		stats: createStatsService(db),
		release: createReleaseService({ db }),
		hasher: testOnlyScrypt ? createPasswordHasher(testOnlyScrypt) : passwordHasher()
	};
	return {
		deps,
		geography: createGeographyService(deps),
		reports: createReportService(deps),
		surveys: createSurveyService(deps),
		dialogues: createDialogueService(deps),
		imports: createImportService(deps),
		analysis: createAnalysisService(deps),
		context: createContextService(deps),
		community: createCommunityService(deps),
		alerts: createAlertService(deps),
		users: createUserService(deps),
		release: deps.release
	};
}

export type Services = ReturnType<typeof createServices>;
