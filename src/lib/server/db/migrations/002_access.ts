// Users, sessions, login throttling and the audit log (access-control issue).
// Times that the server compares (expiry, locks) are epoch milliseconds; times people read are
// ISO 8601 UTC text.
export const sql = `
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) BETWEEN 3 AND 254),
	role TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'provider')),
	-- PHC string: $scrypt$ln=17,r=8,p=1$<salt>$<hash> (src/lib/server/auth/password.ts)
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	last_login_at TEXT
) STRICT;

-- A provider's jurisdiction: departments (2 digits) and municipalities (5 digits). No foreign key
-- to the boundary tables: rebuilding boundaries must never silently widen or drop a jurisdiction.
CREATE TABLE user_jurisdiction (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code TEXT NOT NULL CHECK (
		(length(code) = 2 AND code GLOB '[0-9][0-9]') OR (length(code) = 5 AND code GLOB '[0-9][0-9][0-9][0-9][0-9]')
	),
	PRIMARY KEY (user_id, code)
) STRICT, WITHOUT ROWID;

-- Only a SHA-256 of the session token is stored: a copy of the database opens no session.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	ip TEXT,
	user_agent TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins per account (by the email typed, known or not, so that a lock says nothing about
-- whether the account exists).
CREATE TABLE login_throttle (
	email TEXT PRIMARY KEY COLLATE NOCASE,
	failures INTEGER NOT NULL,
	window_start INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

-- Who did what, when and from where. Append-only: the triggers refuse every UPDATE and DELETE.
-- Actors are copied (id and email), not referenced, so that the log outlives any user row.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	actor_id INTEGER,
	actor_email TEXT,
	action TEXT NOT NULL CHECK (action GLOB '[a-z]*.[a-z]*'),
	target TEXT,
	details TEXT CHECK (details IS NULL OR json_valid(details)),
	ip TEXT
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_email, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
`;
