import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { statement } from '../db/statements';

/**
 * Recovery codes (ASVS 2.6): ten one-time codes for a lost authenticator, shown once when they are
 * made and stored only as SHA-256. Each is 80 random bits in 16 characters of Crockford's base32
 * (no i, l, o or u, so nothing reads as another character), shown as `xxxx-xxxx-xxxx-xxxx`:
 * 2^80 guesses against a stolen hash is out of reach, so a fast hash is enough, as for sessions.
 */

export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_CHARS = 16;

/** Lower case, separators dropped, and the letters people mistake for digits read as those digits. */
export function normaliseRecoveryCode(typed: string): string | null {
	const code = typed
		.toLowerCase()
		.replace(/[\s-]+/g, '')
		.replace(/o/g, '0')
		.replace(/[il]/g, '1');
	return code.length === CODE_CHARS && [...code].every((ch) => ALPHABET.includes(ch)) ? code : null;
}

function newCode(): string {
	const bytes = randomBytes((CODE_CHARS * 5) / 8);
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of bytes) {
		// Fewer than 13 bits are ever pending, so 16 are kept.
		value = ((value << 8) | byte) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			out += ALPHABET[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	return out;
}

const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

/** Shown to people in groups of four. */
export const formatRecoveryCode = (code: string) => code.replace(/(.{4})(?=.)/g, '$1-');

/** Replaces the user's codes with ten new ones and returns them, formatted, for showing once. */
export function replaceRecoveryCodes(db: Database.Database, userId: number): string[] {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
	statement(db, 'DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
	const insert = statement(db, 'INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)');
	for (const code of codes) insert.run(userId, hashOf(code));
	return codes.map(formatRecoveryCode);
}

/** Spends a code: true once, and only if it is one of the user's unused codes. */
export function spendRecoveryCode(db: Database.Database, userId: number, typed: string): boolean {
	const code = normaliseRecoveryCode(typed);
	if (!code) return false;
	return (
		statement(
			db,
			`UPDATE recovery_codes SET used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
			 WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`
		).run(userId, hashOf(code)).changes === 1
	);
}

export function recoveryCodesLeft(db: Database.Database, userId: number): number {
	return statement(db, 'SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL')
		.pluck()
		.get(userId) as number;
}

export function removeRecoveryCodes(db: Database.Database, userId: number): void {
	statement(db, 'DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
}
