import type { Migration } from '../migrate';
import * as boundaries from './001_boundaries';
import * as access from './002_access';
import * as reports from './003_reports';
import * as surveys from './004_surveys';
import * as dialogues from './005_dialogues';
import * as priorities from './006_priorities';
import * as loginDefences from './007_login_defences';
import * as mfa from './008_mfa';
import * as release from './009_release';
import * as coverage from './010_coverage';
import * as communityReports from './011_community_reports';
import * as alerts from './012_alerts';
import * as context from './013_context';

/**
 * Every schema version, in order. A feature adds its tables with a new `NNN_name.ts` file that
 * exports `sql`, and one line here. Applied versions are recorded in `schema_migrations`; a
 * migration is never edited once it has shipped.
 */
export const migrations: Migration[] = [
	{ version: 1, name: 'boundaries', sql: boundaries.sql },
	{ version: 2, name: 'access', sql: access.sql },
	{ version: 3, name: 'reports', sql: reports.sql },
	{ version: 4, name: 'surveys', sql: surveys.sql },
	{ version: 5, name: 'dialogues', sql: dialogues.sql },
	{ version: 6, name: 'priorities', sql: priorities.sql },
	{ version: 7, name: 'login_defences', sql: loginDefences.sql },
	{ version: 8, name: 'mfa', sql: mfa.sql },
	{ version: 9, name: 'release', sql: release.sql },
	{ version: 10, name: 'coverage', sql: coverage.sql },
	{
		version: 11,
		name: 'community_reports',
		sql: communityReports.sql,
		foreignKeysOff: communityReports.foreignKeysOff
	},
	{ version: 12, name: 'alerts', sql: alerts.sql },
	{ version: 13, name: 'context', sql: context.sql }
];
