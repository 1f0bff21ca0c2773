import type Database from 'better-sqlite3';
import { statement } from '../db/statements';

/**
 * Failed-login throttling per account (ASVS 2.2.1): at most 10 failures per account in a
 * 15-minute window, then the account is locked for 15 minutes whatever the password. Counted
 * by the email typed, whether or not it has an account, so a lock reveals nothing.
 *
 * This is the lockout *untrusted* clients share (limits.ts): a browser holding the account's
 * device cookie (device.ts) is counted apart and is not locked out by it. It is kept in the
 * database rather than in memory so that a restart does not lift it and an admin's password reset
 * can (users.ts).
 *
 * An attempt is counted before its password is checked (and forgiven when it succeeds), so that
 * parallel guesses cannot slip past the limit while scrypt runs.
 */
export const LOGIN_THROTTLE = { maxFailures: 10, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 } as const;

type Row = { failures: number; windowStart: number; lockedUntil: number };

export type Attempt =
	| {
			allowed: true;
			/** Failures still allowed after this one; 0: if it fails, the account locks. */ failuresLeft: number;
	  }
	| { allowed: false; retryAfterMs: number };

export function beginAttempt(db: Database.Database, email: string, now = Date.now()): Attempt {
	return db
		.transaction((): Attempt => {
			const row = statement(
				db,
				'SELECT failures, window_start AS windowStart, locked_until AS lockedUntil FROM login_throttle WHERE email = ?'
			).get(email) as Row | undefined;
			if (row && row.lockedUntil > now) return { allowed: false, retryAfterMs: row.lockedUntil - now };
			const fresh = !row || row.windowStart <= now - LOGIN_THROTTLE.windowMs;
			const failures = (fresh ? 0 : row.failures) + 1;
			const windowStart = fresh ? now : row.windowStart;
			const lockedUntil = failures >= LOGIN_THROTTLE.maxFailures ? now + LOGIN_THROTTLE.lockMs : 0;
			statement(
				db,
				`INSERT INTO login_throttle (email, failures, window_start, locked_until) VALUES (?, ?, ?, ?)
			 ON CONFLICT (email) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
			   locked_until = excluded.locked_until`
			).run(email, failures, windowStart, lockedUntil);
			return { allowed: true, failuresLeft: Math.max(0, LOGIN_THROTTLE.maxFailures - failures) };
		})
		.immediate();
}

/** A successful login forgives the account's failures (and the attempt counted in advance). */
export function attemptSucceeded(db: Database.Database, email: string): void {
	statement(db, 'DELETE FROM login_throttle WHERE email = ?').run(email);
}

/** Forgets windows and locks that are over; run now and then so the table stays small. */
export function purgeThrottle(db: Database.Database, now = Date.now()): void {
	statement(db, 'DELETE FROM login_throttle WHERE window_start <= ? AND locked_until <= ?').run(
		now - LOGIN_THROTTLE.windowMs,
		now
	);
}

/** Lifts a lock (the CLI's `--reset`). */
export function unlockAccount(db: Database.Database, email: string): void {
	attemptSucceeded(db, email);
}
