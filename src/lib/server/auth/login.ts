import type Database from 'better-sqlite3';
import { audit } from './audit';
import type { DeviceTrust } from './device';
import type { LoginGuard, LoginLimit } from './limits';
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
import { beginChallenge } from './mfa';
import { hasConfirmedTotp } from './totp';

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
	/** The browser's device cookie (device.ts), if it has one: a sign-in it trusts is counted apart. */
	deviceToken?: string | null;
};

/** The sign-in's anti-automation (limits.ts) and device cookies (device.ts), one per process. */
export type LoginDefences = { guard: LoginGuard; devices: DeviceTrust };

export type LoginOutcome =
	/** `device`: a new device cookie value for this browser (the id rotates at every sign-in). */
	| { ok: true; user: SessionUser; session: NewSession; device: string }
	| { ok: false; reason: 'invalid' }
	/** Refused before any hashing: which limit (limits.ts), and when to try again. */
	| { ok: false; reason: 'locked'; limit: LoginLimit; retryAfterSeconds: number }
	/** The password was right; no session until the code (`completeSignIn`, mfa.ts). */
	| { ok: false; reason: 'second_factor'; challenge: string; expiresAt: number };

/**
 * Unknown email, wrong password and disabled account give the same outcome after the same work
 * (an unknown email is checked against a dummy hash of the same cost): the answer says nothing
 * about which emails have accounts (ASVS 2.2.1, 3.2.x; OWASP Authentication Cheat Sheet).
 */
export async function login(
	db: Database.Database,
	hasher: PasswordHasher,
	defences: LoginDefences,
	input: LoginInput,
	now = Date.now()
): Promise<LoginOutcome> {
	const { email, ip } = input;
	const account = findLogin(db, email);
	// Trusted only with a cookie this account's own sign-in issued; for an unknown email no cookie
	// can match, exactly as for someone else's account, so trust tells nothing either.
	const claim = defences.devices.read(input.deviceToken, now);
	const device = claim && account && claim.userId === account.id ? claim : null;
	const admission = await defences.guard.admit({ email, ip, device }, now);
	if (!admission.ok) {
		const retryAfterSeconds = Math.ceil(admission.retryAfterMs / 1000);
		return { ok: false, reason: 'locked', limit: admission.limit, retryAfterSeconds };
	}
	let passwordOk: boolean;
	let upgraded: string | null = null;
	try {
		await admission.turn;
		passwordOk = account
			? await hasher.verify(input.password, account.passwordHash)
			: await hasher.verifyDummy(input.password);
		// A stronger rehash is a hash too: it runs in the same turn of the bounded queue.
		if (account && passwordOk && !account.disabled && hasher.needsRehash(account.passwordHash))
			upgraded = await hasher.hash(input.password);
	} finally {
		admission.release();
	}
	purgeThrottle(db, now);
	if (!account || !passwordOk || account.disabled) {
		admission.failed();
		const reason = !account ? 'unknown_email' : !passwordOk ? 'wrong_password' : 'disabled';
		const client = admission.trusted ? 'trusted_device' : 'untrusted';
		audit(db, { actor: null, action: 'auth.login_failed', target: email, details: { reason, client }, ip });
		return { ok: false, reason: 'invalid' };
	}

	if (hasConfirmedTotp(db, account.id)) {
		// The attempt counted above is forgiven only once the code is right too, so that the
		// password alone cannot reset the count of guessed codes.
		if (upgraded) setPasswordHash(db, account.id, upgraded);
		const pending = beginChallenge(db, account.id, now);
		return { ok: false, reason: 'second_factor', challenge: pending.token, expiresAt: pending.expiresAt };
	}
	const session = db.transaction(() => {
		admission.succeeded();
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
	return {
		ok: true,
		user: loadSessionUser(db, account.id)!,
		session,
		device: defences.devices.issue(account.id, now)
	};
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
