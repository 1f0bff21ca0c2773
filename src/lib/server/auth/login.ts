import type Database from 'better-sqlite3';
import { audit } from './audit';
import type { PasswordHasher } from './password';
import {
	createSession,
	purgeExpiredSessions,
	revokeSession,
	revokeSessionHash,
	revokeUserSessions,
	type ActiveSession,
	type NewSession
} from './sessions';
import { attemptSucceeded, beginAttempt, purgeThrottle } from './throttle';
import type { SessionUser } from './types';
import { findLogin, loadSessionUser, recordLogin, setPasswordHash } from './users';

/**
 * Sign-in, sign-out and password change: one implementation for the API (`/api/auth/*`) and the
 * login page's form action, so both throttle, audit and rotate sessions the same way.
 */

export type LoginInput = {
	email: string;
	password: string;
	ip: string | null;
	userAgent: string | null;
	/** A session cookie the browser already had: it is ended, and a new id issued (no fixation). */
	previousToken?: string | null;
};

export type LoginOutcome =
	| { ok: true; user: SessionUser; session: NewSession }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'locked'; retryAfterSeconds: number };

/**
 * Unknown email, wrong password and disabled account give the same outcome after the same work
 * (an unknown email is checked against a dummy hash of the same cost): the answer says nothing
 * about which emails have accounts (ASVS 2.2.1, 3.2.x; OWASP Authentication Cheat Sheet).
 */
export async function login(
	db: Database.Database,
	hasher: PasswordHasher,
	input: LoginInput,
	now = Date.now()
): Promise<LoginOutcome> {
	const { email, ip } = input;
	purgeThrottle(db, now);
	const attempt = beginAttempt(db, email, now);
	if (!attempt.allowed) {
		audit(db, { actor: null, action: 'auth.login_locked', target: email, ip });
		return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(attempt.retryAfterMs / 1000) };
	}
	const account = findLogin(db, email);
	const passwordOk = account
		? await hasher.verify(input.password, account.passwordHash)
		: await hasher.verifyDummy(input.password);
	if (!account || !passwordOk || account.disabled) {
		const reason = !account ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'disabled';
		audit(db, { actor: null, action: 'auth.login_failed', target: email, details: { reason }, ip });
		return { ok: false, reason: 'invalid' };
	}

	const upgraded = hasher.needsRehash(account.passwordHash) ? await hasher.hash(input.password) : null;
	const session = db.transaction(() => {
		attemptSucceeded(db, email);
		if (input.previousToken) revokeSession(db, input.previousToken);
		purgeExpiredSessions(db, now);
		recordLogin(db, account.id, upgraded);
		const session = createSession(db, account.id, { ip, userAgent: input.userAgent }, now);
		audit(db, {
			actor: { id: account.id, email: account.email },
			action: 'auth.login',
			target: account.email,
			ip
		});
		return session;
	})();
	return { ok: true, user: loadSessionUser(db, account.id)!, session };
}

export function logout(db: Database.Database, session: ActiveSession | null, ip: string | null): void {
	if (!session) return;
	revokeSessionHash(db, session.tokenHash);
	audit(db, { actor: session.user, action: 'auth.logout', target: session.user.email, ip });
}

/**
 * A signed-in user changes their own password, proving the current one (ASVS 2.1.5–2.1.6).
 * Guesses of the current password count against the same per-account limit as logins (a stolen
 * session must not become a way to brute-force the password). Every other session of the user
 * ends (ASVS 3.3.3); the current one stays.
 */
export async function changePassword(
	db: Database.Database,
	hasher: PasswordHasher,
	session: ActiveSession,
	passwords: { currentPassword: string; newPassword: string },
	ip: string | null
): Promise<'changed' | 'wrong' | 'locked'> {
	const email = session.user.email;
	if (!beginAttempt(db, email).allowed) {
		audit(db, { actor: session.user, action: 'auth.login_locked', target: email, ip });
		return 'locked';
	}
	const account = findLogin(db, email);
	if (!account || !(await hasher.verify(passwords.currentPassword, account.passwordHash))) {
		audit(db, { actor: session.user, action: 'auth.password_change_failed', target: email, ip });
		return 'wrong';
	}
	attemptSucceeded(db, email);
	const hash = await hasher.hash(passwords.newPassword);
	db.transaction(() => {
		setPasswordHash(db, account.id, hash);
		revokeUserSessions(db, account.id, session.tokenHash);
		audit(db, { actor: session.user, action: 'auth.password_changed', target: session.user.email, ip });
	})();
	return 'changed';
}
