import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../db/connection';
import {
	authenticate,
	createSession,
	hashToken,
	purgeExpiredSessions,
	revokeSession,
	revokeUserSessions,
	SESSION_LIMITS
} from './sessions';
import { attemptSucceeded, beginAttempt, LOGIN_THROTTLE } from './throttle';

let db: DB;
const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
const MIN = 60_000;

function addUser(email: string, disabled = 0): number {
	return Number(
		db
			.prepare("INSERT INTO users (email, role, password_hash, disabled) VALUES (?, 'planner', 'x', ?)")
			.run(email, disabled).lastInsertRowid
	);
}

beforeEach(() => {
	db = openDatabase(':memory:');
});
afterEach(() => db.close());

describe('sessions', () => {
	it('issues a random 256-bit token and stores only its SHA-256', () => {
		const id = addUser('a@example.org');
		const one = createSession(db, id, { ip: '203.0.113.9', userAgent: 'test' }, T0);
		const two = createSession(db, id, { ip: null, userAgent: null }, T0);
		expect(one.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(one.token).not.toBe(two.token);
		const stored = db.prepare('SELECT token_hash FROM sessions').pluck().all();
		expect(stored).toContain(hashToken(one.token));
		expect(stored).not.toContain(one.token);
		expect(one.expiresAt - T0).toBe(12 * 60 * MIN);
	});

	it('expires after 30 idle minutes, and activity keeps it alive', () => {
		const id = addUser('a@example.org');
		const { token } = createSession(db, id, { ip: null, userAgent: null }, T0);
		expect(authenticate(db, token, T0 + 29 * MIN)?.user.email).toBe('a@example.org');
		expect(authenticate(db, token, T0 + 58 * MIN)?.user.email).toBe('a@example.org');
		expect(authenticate(db, token, T0 + 58 * MIN + SESSION_LIMITS.idleMs)).toBeNull();
		// Expired sessions are deleted on sight.
		expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
	});

	it('expires 12 hours after login however active', () => {
		const id = addUser('a@example.org');
		const { token } = createSession(db, id, { ip: null, userAgent: null }, T0);
		for (let t = T0; t < T0 + SESSION_LIMITS.absoluteMs; t += 20 * MIN)
			expect(authenticate(db, token, t)).not.toBeNull();
		expect(authenticate(db, token, T0 + SESSION_LIMITS.absoluteMs)).toBeNull();
	});

	it('is revoked one by one, per user, and refused for a disabled user', () => {
		const a = addUser('a@example.org');
		const b = addUser('b@example.org');
		const s1 = createSession(db, a, { ip: null, userAgent: null }, T0);
		const s2 = createSession(db, a, { ip: null, userAgent: null }, T0);
		const s3 = createSession(db, b, { ip: null, userAgent: null }, T0);
		revokeSession(db, s1.token);
		expect(authenticate(db, s1.token, T0)).toBeNull();
		expect(revokeUserSessions(db, a, s2.tokenHash)).toBe(0);
		expect(revokeUserSessions(db, a)).toBe(1);
		expect(authenticate(db, s2.token, T0)).toBeNull();
		db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(b);
		expect(authenticate(db, s3.token, T0)).toBeNull();
	});

	it('ignores malformed tokens without a query and purges expired rows', () => {
		expect(authenticate(db, "' OR 1=1 --", T0)).toBeNull();
		const id = addUser('a@example.org');
		createSession(db, id, { ip: null, userAgent: null }, T0);
		purgeExpiredSessions(db, T0 + SESSION_LIMITS.idleMs);
		expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
	});
});

describe('login throttle', () => {
	it('allows 10 attempts per account in 15 minutes, then locks for 15 minutes', () => {
		for (let i = 0; i < LOGIN_THROTTLE.maxFailures; i++) {
			expect(beginAttempt(db, 'a@example.org', T0 + i * 1000).allowed).toBe(true);
		}
		const locked = beginAttempt(db, 'a@example.org', T0 + 10_000);
		expect(locked).toEqual({ allowed: false, retryAfterMs: 15 * MIN - 1000 });
		// Other accounts are not affected.
		expect(beginAttempt(db, 'b@example.org', T0 + 10_000).allowed).toBe(true);
		expect(beginAttempt(db, 'a@example.org', T0 + 9_000 + 15 * MIN).allowed).toBe(true);
	});

	it('starts a new window after 15 minutes and forgets failures on success', () => {
		for (let i = 0; i < 9; i++) beginAttempt(db, 'a@example.org', T0);
		expect(beginAttempt(db, 'a@example.org', T0 + 15 * MIN).allowed).toBe(true);
		for (let i = 0; i < 8; i++) beginAttempt(db, 'a@example.org', T0 + 15 * MIN);
		attemptSucceeded(db, 'a@example.org');
		for (let i = 0; i < 10; i++) expect(beginAttempt(db, 'a@example.org', T0 + 16 * MIN).allowed).toBe(true);
		expect(beginAttempt(db, 'a@example.org', T0 + 16 * MIN).allowed).toBe(false);
	});
});
