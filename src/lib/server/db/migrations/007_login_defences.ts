// Server-side secrets the app generates for itself on first use (never in the repository, never
// in the environment): today the key that signs device cookies (src/lib/server/auth/device.ts).
// A copy of the database carries them, as it carries the password hashes.
export const sql = `
CREATE TABLE server_secrets (
	name TEXT PRIMARY KEY CHECK (name GLOB '[a-z]*'),
	secret BLOB NOT NULL CHECK (length(secret) >= 32),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT, WITHOUT ROWID;
`;
