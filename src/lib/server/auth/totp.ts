import type Database from 'better-sqlite3';
import { Secret, TOTP } from 'otpauth';
import { statement } from '../db/statements';
import { secretBoxFor } from './secrets';

/**
 * Time-based one-time passwords (RFC 6238) as every authenticator app reads them: HMAC-SHA-1,
 * 6 digits, 30-second steps, a 160-bit secret (RFC 4226 §4 recommends at least 128). A code is
 * accepted one step early or late (clock drift and typing time, RFC 6238 §5.2), and never twice:
 * the step of the last accepted code is kept and only later steps pass (ASVS 2.8.4).
 */

export const TOTP_SETTINGS = {
	issuer: 'Resiliencia',
	algorithm: 'SHA1',
	digits: 6,
	period: 30,
	window: 1,
	secretBytes: 20
} as const;

const STEP_MS = TOTP_SETTINGS.period * 1000;

/** The sealed value's context: a seed copied onto another user's row does not open. */
const contextOf = (userId: number) => `totp:user:${userId}`;

function totp(secret: Secret, label = ''): TOTP {
	return new TOTP({
		issuer: TOTP_SETTINGS.issuer,
		label,
		algorithm: TOTP_SETTINGS.algorithm,
		digits: TOTP_SETTINGS.digits,
		period: TOTP_SETTINGS.period,
		secret
	});
}

export function newTotpSecret(): Secret {
	return new Secret({ size: TOTP_SETTINGS.secretBytes });
}

/** The `otpauth://totp/Resiliencia:<email>?secret=…` URI an authenticator app scans. */
export function otpauthUri(secret: Secret, email: string): string {
	return totp(secret, email).toString();
}

/** The secret as people type it into an app: base32 in groups of four. */
export function typedSecret(secret: Secret): string {
	return secret.base32.replace(/(.{4})/g, '$1 ').trim();
}

/** The step a code belongs to, if it is right within the window; null otherwise. */
export function stepOfCode(secret: Secret, code: string, now = Date.now()): number | null {
	if (!/^\d{6}$/.test(code)) return null;
	const delta = totp(secret).validate({ token: code, timestamp: now, window: TOTP_SETTINGS.window });
	return delta === null ? null : Math.floor(now / STEP_MS) + delta;
}

/** The QR code of an otpauth URI as an SVG image, drawn on the server: no outside service sees the seed. */
export async function qrSvgDataUrl(uri: string): Promise<string> {
	// Loaded when someone enrols, not with every page.
	const { default: QRCode } = await import('qrcode');
	const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
	return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

// --- Storage ----------------------------------------------------------------------------------

export type TotpState = { confirmed: boolean; lastStep: number | null; secret: Secret | null };

/** The user's authenticator (its secret opened), or null when none is set up or being set up. */
export function totpState(db: Database.Database, userId: number): TotpState | null {
	const row = statement(
		db,
		'SELECT sealed_secret AS sealed, confirmed_at AS confirmedAt, last_step AS lastStep FROM user_totp WHERE user_id = ?'
	).get(userId) as { sealed: string; confirmedAt: string | null; lastStep: number | null } | undefined;
	if (!row) return null;
	const bytes = secretBoxFor(db).open(row.sealed, contextOf(userId));
	return {
		confirmed: row.confirmedAt !== null,
		lastStep: row.lastStep,
		// A seed that no longer opens (the key file was replaced) verifies nothing.
		secret: bytes ? new Secret({ buffer: new Uint8Array(bytes).buffer }) : null
	};
}

export function hasConfirmedTotp(db: Database.Database, userId: number): boolean {
	return (
		statement(db, 'SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL)')
			.pluck()
			.get(userId) === 1
	);
}

/** Stores a new secret awaiting its first code, replacing an unconfirmed one (never a confirmed one). */
export function saveUnconfirmedTotp(db: Database.Database, userId: number, secret: Secret): boolean {
	const sealed = secretBoxFor(db).seal(Buffer.from(secret.bytes), contextOf(userId));
	const info = statement(
		db,
		`INSERT INTO user_totp (user_id, sealed_secret) VALUES (?, ?)
		 ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,
		   created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), last_step = NULL
		 WHERE user_totp.confirmed_at IS NULL`
	).run(userId, sealed);
	return info.changes === 1;
}

/**
 * Spends a code's step: true once per step and only for a step later than the last one spent,
 * checked and written in one statement so that two requests with the same code cannot both pass.
 * `confirm` also turns an enrolment in progress into an authenticator.
 */
export function spendStep(db: Database.Database, userId: number, step: number, confirm = false): boolean {
	const info = statement(
		db,
		`UPDATE user_totp SET last_step = @step,
		   confirmed_at = CASE WHEN @confirm = 1 THEN coalesce(confirmed_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ELSE confirmed_at END
		 WHERE user_id = @userId AND (last_step IS NULL OR last_step < @step)
		   AND (@confirm = 1 OR confirmed_at IS NOT NULL)`
	).run({ userId, step, confirm: confirm ? 1 : 0 });
	return info.changes === 1;
}

export function removeTotp(db: Database.Database, userId: number): boolean {
	return statement(db, 'DELETE FROM user_totp WHERE user_id = ?').run(userId).changes === 1;
}
