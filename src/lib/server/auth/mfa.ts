import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { MfaStatus } from '../../schemas/users';
import { statement } from '../db/statements';
import { audit, type AuditActor } from './audit';
import type { PasswordHasher } from './password';
import { recoveryCodesLeft, removeRecoveryCodes, replaceRecoveryCodes, spendRecoveryCode } from './recovery';
import {
	createSession,
	hashToken,
	purgeExpiredSessions,
	revokeSession,
	revokeUserSessions,
	type NewSession
} from './sessions';
import { attemptSucceeded, beginAttempt } from './throttle';
import {
	hasConfirmedTotp,
	newTotpSecret,
	otpauthUri,
	qrSvgDataUrl,
	removeTotp,
	saveUnconfirmedTotp,
	spendStep,
	stepOfCode,
	totpState,
	typedSecret
} from './totp';
import type { SessionUser } from './types';
import { findLogin, loadSessionUser, recordLogin } from './users';

/**
 * The second factor (ASVS 2.7–2.8): the sign-in's second step, enrolment, turning it off and new
 * recovery codes. Required for admins (their sessions reach no admin page or route until they
 * enrol: sessions.ts `needsSecondFactor`), offered to everyone else.
 *
 * Every guess of a code or of a password here counts against the same per-account limit as a
 * sign-in (throttle.ts): 10 failures in 15 minutes lock the account, whichever form they came
 * through. A pending sign-in also takes at most 5 codes and lasts 5 minutes.
 */

export const CHALLENGE_LIMITS = { ttlMs: 5 * 60 * 1000, maxAttempts: 5 } as const;

/** Who is acting, for the audit log, and the session they act from (it survives the change). */
type Actor = { user: SessionUser; ip: string | null; tokenHash: string | null };

const actorOf = (user: SessionUser): AuditActor => ({ id: user.id, email: user.email });

// --- The sign-in's second step -----------------------------------------------------------------

/** A pending sign-in for a user whose password was right: the token goes to the client, its hash here. */
export function beginChallenge(
	db: Database.Database,
	userId: number,
	now = Date.now()
): { token: string; expiresAt: number } {
	const token = randomBytes(32).toString('base64url');
	const expiresAt = now + CHALLENGE_LIMITS.ttlMs;
	statement(db, 'DELETE FROM login_challenges WHERE expires_at <= ?').run(now);
	statement(db, 'INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES (?, ?, ?)').run(
		hashToken(token),
		userId,
		expiresAt
	);
	return { token, expiresAt };
}

export type SecondStepInput = {
	challenge: string;
	code: string;
	ip: string | null;
	userAgent: string | null;
	/** A session cookie the browser already had: ended, and a new id issued (no fixation). */
	previousToken?: string | null;
};

export type SecondStepOutcome =
	| { ok: true; user: SessionUser; session: NewSession }
	| { ok: false; reason: 'invalid' | 'expired' }
	| { ok: false; reason: 'locked'; retryAfterSeconds: number };

type Factor = 'totp' | 'recovery_code';
type CodeCheck = { ok: true; factor: Factor } | { ok: false; reason: 'wrong' | 'replayed' };

/**
 * A 6-digit code of the user's confirmed authenticator (one step early or late, each step once),
 * or one of their unused recovery codes; a code that passes is spent.
 */
export function checkCode(db: Database.Database, userId: number, typed: string, now = Date.now()): CodeCheck {
	const digits = typed.replace(/\s+/g, '');
	if (/^\d{6}$/.test(digits)) {
		const state = totpState(db, userId);
		const step = state?.confirmed && state.secret ? stepOfCode(state.secret, digits, now) : null;
		if (step === null) return { ok: false, reason: 'wrong' };
		return spendStep(db, userId, step) ? { ok: true, factor: 'totp' } : { ok: false, reason: 'replayed' };
	}
	return spendRecoveryCode(db, userId, typed)
		? { ok: true, factor: 'recovery_code' }
		: { ok: false, reason: 'wrong' };
}

/**
 * Completes a sign-in with the code. The session is created only here, after the code, with the
 * same steps as a sign-in without a second factor (login.ts): the account's failures forgiven, a
 * previous session ended, a new token, the login recorded and audited.
 */
export function completeSignIn(
	db: Database.Database,
	input: SecondStepInput,
	now = Date.now()
): SecondStepOutcome {
	const tokenHash = hashToken(input.challenge);
	const pending = statement(
		db,
		`SELECT c.user_id AS userId, c.attempts, u.email FROM login_challenges c JOIN users u ON u.id = c.user_id
		 WHERE c.token_hash = ? AND c.expires_at > ? AND u.disabled = 0`
	).get(tokenHash, now) as { userId: number; attempts: number; email: string } | undefined;
	if (!pending) return { ok: false, reason: 'expired' };
	const { userId, email } = pending;
	const attempt = beginAttempt(db, email, now);
	if (!attempt.allowed) {
		audit(db, { actor: null, action: 'auth.login_locked', target: email, ip: input.ip });
		return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil(attempt.retryAfterMs / 1000) };
	}
	const check = checkCode(db, userId, input.code, now);
	if (!check.ok) {
		statement(db, 'UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = ?').run(tokenHash);
		statement(db, 'DELETE FROM login_challenges WHERE token_hash = ? AND attempts >= ?').run(
			tokenHash,
			CHALLENGE_LIMITS.maxAttempts
		);
		audit(db, {
			actor: null,
			action: 'auth.second_factor_failed',
			target: email,
			details: { reason: check.reason },
			ip: input.ip
		});
		return { ok: false, reason: 'invalid' };
	}
	const session = db.transaction(() => {
		statement(db, 'DELETE FROM login_challenges WHERE token_hash = ?').run(tokenHash);
		attemptSucceeded(db, email);
		if (input.previousToken) revokeSession(db, input.previousToken);
		purgeExpiredSessions(db, now);
		recordLogin(db, userId, null);
		const session = createSession(db, userId, { ip: input.ip, userAgent: input.userAgent }, now);
		const actor = { id: userId, email };
		audit(db, {
			actor,
			action: 'auth.login',
			target: email,
			details: { secondFactor: check.factor },
			ip: input.ip
		});
		if (check.factor === 'recovery_code') {
			audit(db, {
				actor,
				action: 'auth.recovery_code_used',
				target: email,
				details: { left: recoveryCodesLeft(db, userId) },
				ip: input.ip
			});
		}
		return session;
	})();
	return { ok: true, user: loadSessionUser(db, userId)!, session };
}

// --- One's own second factor -------------------------------------------------------------------

export function mfaStatus(db: Database.Database, user: SessionUser): MfaStatus {
	const state = statement(db, 'SELECT confirmed_at IS NOT NULL FROM user_totp WHERE user_id = ?')
		.pluck()
		.get(user.id) as number | undefined;
	return {
		totp: state === undefined ? 'off' : state === 1 ? 'on' : 'enrolling',
		required: user.role === 'admin',
		recoveryCodesLeft: recoveryCodesLeft(db, user.id)
	};
}

export type TotpEnrolment = {
	/** The secret as typed into an app, in groups of four. */
	secret: string;
	uri: string;
	/** The URI's QR code, an SVG drawn on the server, as a data: URL for an <img>. */
	qr: string;
};

/**
 * Starts an enrolment: a new secret, stored sealed and unconfirmed (it protects nothing until a
 * first code confirms it). Null when an authenticator is already on: it must be turned off first.
 */
export async function beginEnrolment(db: Database.Database, by: Actor): Promise<TotpEnrolment | null> {
	const secret = newTotpSecret();
	if (!saveUnconfirmedTotp(db, by.user.id, secret)) return null;
	audit(db, { actor: actorOf(by.user), action: 'auth.totp_setup_started', target: by.user.email, ip: by.ip });
	const uri = otpauthUri(secret, by.user.email);
	return { secret: typedSecret(secret), uri, qr: await qrSvgDataUrl(uri) };
}

/**
 * The enrolment in progress, shown again to its user (a reload, a mistyped code) until a first
 * code confirms it; never once it is confirmed.
 */
export async function pendingEnrolment(
	db: Database.Database,
	user: SessionUser
): Promise<TotpEnrolment | null> {
	const state = totpState(db, user.id);
	if (!state || state.confirmed || !state.secret) return null;
	const uri = otpauthUri(state.secret, user.email);
	return { secret: typedSecret(state.secret), uri, qr: await qrSvgDataUrl(uri) };
}

/**
 * Confirms the enrolment with a first code: the authenticator is on, ten recovery codes are made
 * (returned once, for showing), and every other session of the user ends (they were opened
 * without it). Null when the code is wrong or no enrolment is in progress.
 */
export function confirmEnrolment(
	db: Database.Database,
	by: Actor,
	code: string,
	now = Date.now()
): string[] | null {
	const state = totpState(db, by.user.id);
	if (!state || state.confirmed || !state.secret) return null;
	const step = stepOfCode(state.secret, code.replace(/\s+/g, ''), now);
	if (step === null) return null;
	return db.transaction(() => {
		if (!spendStep(db, by.user.id, step, true)) return null;
		const codes = replaceRecoveryCodes(db, by.user.id);
		const ended = revokeUserSessions(db, by.user.id, by.tokenHash);
		audit(db, {
			actor: actorOf(by.user),
			action: 'auth.totp_enabled',
			target: by.user.email,
			details: { otherSessionsEnded: ended },
			ip: by.ip
		});
		return codes;
	})();
}

export type ProvenOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'wrong' | 'locked' };

/**
 * Runs a change that needs proof of the factor (and of the password, when given): counted and
 * locked like a sign-in, audited as `<failedAction>` when the proof fails.
 */
async function withProof<T>(
	db: Database.Database,
	hasher: PasswordHasher,
	by: Actor,
	proof: { code: string; password?: string },
	failedAction: string,
	change: () => T
): Promise<ProvenOutcome<T>> {
	const { email } = by.user;
	if (!beginAttempt(db, email).allowed) {
		audit(db, { actor: actorOf(by.user), action: 'auth.login_locked', target: email, ip: by.ip });
		return { ok: false, reason: 'locked' };
	}
	const account = findLogin(db, email);
	const passwordOk =
		proof.password === undefined ||
		(account ? await hasher.verify(proof.password, account.passwordHash) : false);
	// The code is checked (and spent) only with the right password, so a wrong password wastes none.
	const code = passwordOk ? checkCode(db, by.user.id, proof.code) : null;
	if (!passwordOk || !code?.ok) {
		const reason = !passwordOk ? 'wrong_password' : code && !code.ok ? code.reason : 'wrong';
		audit(db, {
			actor: actorOf(by.user),
			action: failedAction,
			target: email,
			details: { reason },
			ip: by.ip
		});
		return { ok: false, reason: 'wrong' };
	}
	attemptSucceeded(db, email);
	return { ok: true, value: db.transaction(change)() };
}

/**
 * Turns the authenticator off, with the password and a code (a recovery code will do: the phone
 * may be lost). Its recovery codes go too, and the other sessions end. An admin may, and is then
 * asked to enrol again before any admin page opens.
 */
export function disableTotp(
	db: Database.Database,
	hasher: PasswordHasher,
	by: Actor,
	proof: { password: string; code: string }
): Promise<ProvenOutcome<true>> {
	if (!hasConfirmedTotp(db, by.user.id)) return Promise.resolve({ ok: false, reason: 'wrong' });
	return withProof(db, hasher, by, proof, 'auth.totp_disable_failed', () => {
		removeTotp(db, by.user.id);
		removeRecoveryCodes(db, by.user.id);
		const ended = revokeUserSessions(db, by.user.id, by.tokenHash);
		audit(db, {
			actor: actorOf(by.user),
			action: 'auth.totp_disabled',
			target: by.user.email,
			details: { otherSessionsEnded: ended },
			ip: by.ip
		});
		return true as const;
	});
}

/** Ten new recovery codes for a code of the authenticator (or an old recovery code); the old ones stop working. */
export function regenerateRecoveryCodes(
	db: Database.Database,
	hasher: PasswordHasher,
	by: Actor,
	code: string
): Promise<ProvenOutcome<string[]>> {
	if (!hasConfirmedTotp(db, by.user.id)) return Promise.resolve({ ok: false, reason: 'wrong' });
	return withProof(db, hasher, by, { code }, 'auth.recovery_codes_failed', () => {
		const codes = replaceRecoveryCodes(db, by.user.id);
		audit(db, {
			actor: actorOf(by.user),
			action: 'auth.recovery_codes_replaced',
			target: by.user.email,
			ip: by.ip
		});
		return codes;
	});
}

/** The command line's way back in for someone who lost both the phone and the codes (`--remove-totp`). */
export function removeSecondFactor(
	db: Database.Database,
	user: { id: number; email: string },
	by: { actor: AuditActor; ip: string | null }
): boolean {
	return db.transaction(() => {
		const removed = removeTotp(db, user.id);
		removeRecoveryCodes(db, user.id);
		if (removed) {
			revokeUserSessions(db, user.id);
			audit(db, {
				actor: by.actor,
				action: 'user.update',
				target: `user:${user.id}`,
				details: { email: user.email, changes: { totp: 'removed' } },
				ip: by.ip
			});
		}
		return removed;
	})();
}
