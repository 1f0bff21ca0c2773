import type Database from 'better-sqlite3';
import type { SessionView } from '../../schemas/users';
import { statement } from '../db/statements';
import { SESSION_LIMITS } from './sessions';

/**
 * One's own sessions, for the account page (ASVS 3.3.4: see the active sessions and end any).
 * A session is named by the first 16 hex digits of its token's hash: enough to tell one user's
 * sessions apart, and not the hash itself, which never leaves the server.
 */

export const publicSessionId = (tokenHash: string) => tokenHash.slice(0, 16);

type Row = {
	tokenHash: string;
	createdAt: number;
	lastSeenAt: number;
	ip: string | null;
	userAgent: string | null;
};

/** The user's live sessions (not past either limit), the most recently used first. */
export function listUserSessions(
	db: Database.Database,
	userId: number,
	currentHash: string | null,
	now = Date.now()
): SessionView[] {
	const rows = statement(
		db,
		`SELECT token_hash AS tokenHash, created_at AS createdAt, last_seen_at AS lastSeenAt, ip, user_agent AS userAgent
		 FROM sessions WHERE user_id = ? AND expires_at > ? AND last_seen_at > ?
		 ORDER BY last_seen_at DESC, created_at DESC`
	).all(userId, now, now - SESSION_LIMITS.idleMs) as Row[];
	return rows.map((row) => ({
		id: publicSessionId(row.tokenHash),
		createdAt: new Date(row.createdAt).toISOString(),
		lastSeenAt: new Date(row.lastSeenAt).toISOString(),
		userAgent: row.userAgent,
		ip: row.ip,
		current: row.tokenHash === currentHash
	}));
}

/** Ends one of the user's own sessions by its public id; false when it is not theirs (or gone). */
export function endUserSession(db: Database.Database, userId: number, id: string): boolean {
	return (
		statement(db, 'DELETE FROM sessions WHERE user_id = ? AND substr(token_hash, 1, 16) = ?').run(userId, id)
			.changes > 0
	);
}
