import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { statement } from '../db/statements';
import { isLoopback } from './cookie';

/**
 * Device cookies (OWASP, "Slow Down Online Guessing with Device Cookies"): a browser in which a
 * user signed in successfully gets a cookie naming that user, signed by the server. A later sign-in
 * to the same account from that browser is *trusted*: it keeps its own allowance of failures and
 * goes first in the password-hashing queue (limits.ts), so that a stranger who floods or locks the
 * account from elsewhere does not lock its owner out (ASVS 2.2.1). Everything else is untrusted and
 * shares the account's lockout.
 *
 * The cookie grants no access by itself — only the right to be counted apart. It is bound to a
 * user id (not an email, so no personal data sits in it), carries the time it was issued and a
 * random device id, and is signed with HMAC-SHA256 under a key the server generates for itself and
 * keeps in the database (`server_secrets`, migration 007), never in the repository. Whoever held
 * that key could mint device ids and so fresh allowances; it is as sensitive as the password
 * hashes beside it.
 */

export type DeviceClaim = {
	readonly userId: number;
	/** Random id of this browser's cookie: the key of its own failure count. */
	readonly id: string;
};

export type DeviceTrust = {
	/** A new cookie value for a user (issued at every successful sign-in, so the id rotates). */
	issue(userId: number, now?: number): string;
	/** The claim of a well-signed, unexpired cookie value, or null. */
	read(value: string | null | undefined, now?: number): DeviceClaim | null;
};

/** How long a browser stays trusted after its last successful sign-in. */
export const DEVICE_COOKIE_MAX_AGE_S = 90 * 24 * 60 * 60;

export const DEVICE_COOKIE_NAME = 'resiliencia_device';
export const SECURE_DEVICE_COOKIE_NAME = `__Host-${DEVICE_COOKIE_NAME}`;

export type DeviceCookie = {
	name: string;
	options: { path: '/'; httpOnly: true; sameSite: 'strict'; secure: boolean; maxAge: number };
};

/**
 * The device cookie for a request URL, under the same transport rule as the session cookie
 * (cookie.ts): `__Host-` and Secure on https, plain on loopback http, none elsewhere. SameSite=Strict:
 * it is only ever needed by the sign-in form of the app itself.
 */
export function deviceCookie(url: URL): DeviceCookie | null {
	const options = { path: '/', httpOnly: true, sameSite: 'strict', maxAge: DEVICE_COOKIE_MAX_AGE_S } as const;
	if (url.protocol === 'https:')
		return { name: SECURE_DEVICE_COOKIE_NAME, options: { ...options, secure: true } };
	if (url.protocol === 'http:' && isLoopback(url.hostname)) {
		return { name: DEVICE_COOKIE_NAME, options: { ...options, secure: false } };
	}
	return null;
}

const VALUE = /^v1\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const SECRET_NAME = 'device_cookie';
/** A cookie "issued" this far in the future is refused (clock skew between restarts). */
const FUTURE_SLACK_S = 5 * 60;

export function createDeviceTrust(db: Database.Database): DeviceTrust {
	// Read (or created) on first use, not when the services are built: the command line never needs it.
	let key: Buffer | null = null;
	const sign = (payload: string) => {
		key ??= serverSecret(db, SECRET_NAME);
		return createHmac('sha256', key).update(`device:${payload}`).digest();
	};
	return {
		issue(userId, now = Date.now()) {
			const payload = `v1.${userId}.${Math.floor(now / 1000)}.${randomBytes(16).toString('base64url')}`;
			return `${payload}.${sign(payload).toString('base64url')}`;
		},
		read(value, now = Date.now()) {
			const match = value ? VALUE.exec(value) : null;
			if (!match) return null;
			const payload = value!.slice(0, value!.lastIndexOf('.'));
			const given = Buffer.from(match[4]!, 'base64url');
			const expected = sign(payload);
			if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
			const issuedS = Number(match[2]);
			const nowS = Math.floor(now / 1000);
			if (issuedS > nowS + FUTURE_SLACK_S || nowS - issuedS >= DEVICE_COOKIE_MAX_AGE_S) return null;
			return { userId: Number(match[1]), id: match[3]! };
		}
	};
}

/**
 * A 256-bit secret the server keeps for itself, created on first use. INSERT OR IGNORE then read:
 * two processes starting at once agree on the one that was written first.
 */
function serverSecret(db: Database.Database, name: string): Buffer {
	statement(db, 'INSERT OR IGNORE INTO server_secrets (name, secret) VALUES (?, ?)').run(
		name,
		randomBytes(32)
	);
	const row = statement(db, 'SELECT secret FROM server_secrets WHERE name = ?').get(name) as {
		secret: Buffer;
	};
	return row.secret;
}
