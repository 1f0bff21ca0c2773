import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { statement } from '../db/statements';
import type { SessionUser } from './types';
import { loadSessionUser } from './users';

/**
 * Server-side sessions (OWASP ASVS 4.0 §3): a random 256-bit token in the cookie, only its SHA-256
 * in the database; a new token at every login; 12 h absolute and 30 min idle lifetime (ASVS 3.3.2
 * level 2); revoked at logout, when the password changes and when the user is disabled.
 */
export const SESSION_LIMITS = {
	absoluteMs: 12 * 60 * 60 * 1000,
	idleMs: 30 * 60 * 1000,
	/** `last_seen_at` is written at most this often: one write per minute, not per request. */
	touchEveryMs: 60 * 1000
} as const;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export type NewSession = { token: string; tokenHash: string; expiresAt: number };

export function createSession(
	db: Database.Database,
	userId: number,
	from: { ip: string | null; userAgent: string | null },
	now = Date.now()
): NewSession {
	const token = randomBytes(32).toString('base64url');
	const tokenHash = hashToken(token);
	const expiresAt = now + SESSION_LIMITS.absoluteMs;
	statement(
		db,
		`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
		 VALUES (?, ?, ?, ?, ?, ?, ?)`
	).run(tokenHash, userId, now, now, expiresAt, from.ip, from.userAgent?.slice(0, 300) ?? null);
	return { token, tokenHash, expiresAt };
}

export type ActiveSession = {
	user: SessionUser;
	tokenHash: string;
	expiresAt: number;
	/**
	 * An admin without a confirmed second factor: the session may enrol one, but no admin page or
	 * route answers it until then (api/access.ts, auth/guard.ts; ASVS 2.8, issue #14).
	 */
	needsSecondFactor: boolean;
};

/**
 * The user behind a session token, or null when the token is malformed, unknown, expired (either
 * limit) or its user is disabled. An expired session is deleted on sight.
 */
export function authenticate(db: Database.Database, token: string, now = Date.now()): ActiveSession | null {
	if (!TOKEN.test(token)) return null;
	const tokenHash = hashToken(token);
	const row = statement(
		db,
		`SELECT s.user_id AS userId, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt,
		   u.role = 'admin' AND NOT EXISTS (
		     SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL
		   ) AS needsSecondFactor
		 FROM sessions s JOIN users u ON u.id = s.user_id
		 WHERE s.token_hash = ? AND u.disabled = 0`
	).get(tokenHash) as
		{ userId: number; lastSeenAt: number; expiresAt: number; needsSecondFactor: number } | undefined;
	if (!row) return null;
	if (now >= row.expiresAt || now - row.lastSeenAt >= SESSION_LIMITS.idleMs) {
		revokeSessionHash(db, tokenHash);
		return null;
	}
	const user = loadSessionUser(db, row.userId);
	if (!user) return null;
	if (now - row.lastSeenAt >= SESSION_LIMITS.touchEveryMs) {
		statement(db, 'UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, tokenHash);
	}
	return { user, tokenHash, expiresAt: row.expiresAt, needsSecondFactor: row.needsSecondFactor === 1 };
}

export function revokeSessionHash(db: Database.Database, tokenHash: string): void {
	statement(db, 'DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
}

export function revokeSession(db: Database.Database, token: string): void {
	if (TOKEN.test(token)) revokeSessionHash(db, hashToken(token));
}

/** Ends every session of a user, except optionally the one making the change. */
export function revokeUserSessions(
	db: Database.Database,
	userId: number,
	exceptHash: string | null = null
): number {
	return statement(db, 'DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?').run(
		userId,
		exceptHash
	).changes;
}

export function purgeExpiredSessions(db: Database.Database, now = Date.now()): void {
	statement(db, 'DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(
		now,
		now - SESSION_LIMITS.idleMs
	);
}
