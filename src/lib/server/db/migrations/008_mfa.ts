// Second factor (issue #14): TOTP authenticators, one-time recovery codes and the pending second
// step of a sign-in. Times the server compares are epoch milliseconds; times people read are
// ISO 8601 UTC text.
export const sql = `
-- One authenticator per user. The secret is sealed with AES-256-GCM under a key kept outside the
-- database (src/lib/server/auth/secrets.ts): a copy of the database alone yields no secret.
-- Until confirmed with a first code the row is an enrolment in progress and protects nothing.
CREATE TABLE user_totp (
	user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	sealed_secret TEXT NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
	confirmed_at TEXT,
	-- The 30-second step of the last code accepted: a code of this step or an earlier one is a
	-- replay and is refused (RFC 6238 §5.2).
	last_step INTEGER
) STRICT;

-- Ten one-time codes per user, only their SHA-256 kept (each is 80 random bits, so a fast hash
-- is enough, as for session tokens). A used code stays, marked, until the set is replaced.
CREATE TABLE recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL CHECK (length(code_hash) = 64),
	used_at TEXT,
	PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;

-- A sign-in whose password was right and whose code is awaited: a random token handed to the
-- client (only its SHA-256 here), valid for minutes and for a few codes. No session exists yet.
CREATE TABLE login_challenges (
	token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	expires_at INTEGER NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);
`;
