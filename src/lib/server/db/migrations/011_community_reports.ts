// Community reports (issue 18, part 2) and the `reporter` role.
//
// The users table's CHECK (role IN ...) cannot be altered in place, so the table is rebuilt by
// SQLite's own procedure (https://www.sqlite.org/lang_altertable.html#otheralter): create the
// new table, copy the rows with their ids, drop the old one, rename the new one. It needs foreign
// keys OFF (`foreignKeysOff`, migrate.ts): with them on, DROP TABLE users would run an implicit
// DELETE with every ON DELETE CASCADE / SET NULL of the tables that reference it (sessions,
// jurisdictions, TOTP, imports…). The other tables keep `REFERENCES users`, which names the new
// table after the rename; migrate.ts runs `foreign_key_check` before committing.
// tests/api/community-reports.spec.ts migrates a database with users, sessions and jurisdictions.
export const foreignKeysOff = true;

export const sql = `
CREATE TABLE users_new (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
	role TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'provider', 'reporter')),
	-- PHC string: $scrypt$ln=17,r=8,p=1$<salt>$<hash> (src/lib/server/auth/password.ts)
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	last_login_at TEXT
) STRICT;
INSERT INTO users_new (id, email, role, password_hash, disabled, created_at, updated_at, last_login_at)
	SELECT id, email, role, password_hash, disabled, created_at, updated_at, last_login_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- What a community or a dialogue reports, recorded by a reporter (programme facilitator or
-- community liaison) or a planner. Never mixed into the official reports: verified ones are a
-- source of their own ("reportes comunitarios", src/lib/server/community/service.ts), and reach
-- the public only through the public release, per department and quarter or year.
CREATE TABLE community_reports (
	id INTEGER PRIMARY KEY,
	municipality_code TEXT NOT NULL REFERENCES municipalities (code),
	category TEXT NOT NULL,
	-- YYYY-MM-DD, YYYY-MM or YYYY, as precise as the community knows it.
	date TEXT NOT NULL,
	date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
	-- The month it is counted in (YYYY-MM; January for a year-only date).
	month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
	count INTEGER NOT NULL CHECK (count BETWEEN 1 AND 10000),
	source TEXT NOT NULL CHECK (source IN ('dialogue', 'leader', 'community', 'media', 'institution')),
	dialogue_id INTEGER REFERENCES dialogues (id) ON DELETE SET NULL,
	lon REAL,
	lat REAL,
	-- A place is sensitive unless someone says otherwise; a sensitive place is never published.
	place_sensitive INTEGER NOT NULL DEFAULT 1 CHECK (place_sensitive IN (0, 1)),
	-- Never public: what the report says, without names (the form warns; looksPersonal flags).
	description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
	-- The flags looksPersonal raised and the person confirmed before saving (JSON array).
	personal_flags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(personal_flags)),
	state TEXT NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'verified', 'rejected')),
	verified_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	verified_at TEXT,
	rejected_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	rejected_at TEXT,
	rejected_reason TEXT CHECK (rejected_reason IS NULL OR length(rejected_reason) BETWEEN 1 AND 500),
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	CHECK ((lon IS NULL) = (lat IS NULL)),
	CHECK (state <> 'verified' OR verified_at IS NOT NULL),
	CHECK (state <> 'rejected' OR rejected_reason IS NOT NULL)
) STRICT;
CREATE INDEX community_reports_municipality ON community_reports (municipality_code, state);
CREATE INDEX community_reports_state ON community_reports (state, category, month);

-- Bumped by every change of state, so that the public release (release/build.ts sourcesOf) is
-- rebuilt when a report is verified or a verified one rejected.
INSERT OR IGNORE INTO dataset_meta (key, value) VALUES ('community_version', '0');
CREATE TRIGGER community_reports_version_insert AFTER INSERT ON community_reports WHEN NEW.state = 'verified'
BEGIN
	UPDATE dataset_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'community_version';
END;
CREATE TRIGGER community_reports_version_update AFTER UPDATE ON community_reports
BEGIN
	UPDATE dataset_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'community_version';
END;
CREATE TRIGGER community_reports_version_delete AFTER DELETE ON community_reports
BEGIN
	UPDATE dataset_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'community_version';
END;
`;
