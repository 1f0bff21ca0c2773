import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

/**
 * Secrets the server must read back (TOTP seeds), sealed at rest with AES-256-GCM (NIST SP
 * 800-38D) under a 256-bit key kept in a file beside the database, never in it: a copy or backup
 * of the database file alone yields no seed (ASVS 2.8.7, 6.4.1). The key file is created on first
 * use with mode 0600 (`.data/mfa.key` for the default `.data/resiliencia.db`); it is not in the
 * repository (`.data/` is ignored). Losing it disables every enrolled authenticator: users then
 * sign in with a recovery code and enrol again.
 *
 * Each sealed value is bound to what it belongs to (the additional data, e.g. `totp:user:12`),
 * so a sealed seed copied onto another user's row does not open.
 */

export type SecretBox = {
	seal(plain: Buffer, context: string): string;
	/** The plain bytes, or null when the value was not sealed by this key for this context. */
	open(sealed: string, context: string): Buffer | null;
};

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]+)$/;

export function createSecretBox(key: Buffer): SecretBox {
	if (key.length !== KEY_BYTES) throw new Error(`A secret key is ${KEY_BYTES} bytes, not ${key.length}`);
	return {
		seal(plain, context) {
			// A fresh random 96-bit IV per value: with one key and far fewer than 2^32 values the
			// chance of a repeat is negligible (SP 800-38D §8.3).
			const iv = randomBytes(IV_BYTES);
			const cipher = createCipheriv('aes-256-gcm', key, iv);
			cipher.setAAD(Buffer.from(context, 'utf8'));
			const body = Buffer.concat([cipher.update(plain), cipher.final()]);
			return `v1.${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
		},
		open(sealed, context) {
			const match = SEALED.exec(sealed);
			if (!match) return null;
			try {
				const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(match[1]!, 'base64url'), {
					authTagLength: TAG_BYTES
				});
				decipher.setAAD(Buffer.from(context, 'utf8'));
				decipher.setAuthTag(Buffer.from(match[2]!, 'base64url'));
				return Buffer.concat([decipher.update(Buffer.from(match[3]!, 'base64url')), decipher.final()]);
			} catch {
				return null;
			}
		}
	};
}

/** The key file for a database file: beside it, readable by the server's user only. */
export function keyFileFor(databaseFile: string): string {
	return path.join(path.dirname(databaseFile), 'mfa.key');
}

/** Reads the key, creating it (mode 0600, exclusively, so two processes cannot both write one). */
export function loadOrCreateKey(file: string): Buffer {
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	try {
		fs.writeFileSync(file, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	const mode = fs.statSync(file).mode & 0o777;
	if (mode & 0o077) {
		console.warn(`[secrets] ${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
	}
	const key = fs.readFileSync(file);
	if (key.length !== KEY_BYTES) throw new Error(`${file} must hold exactly ${KEY_BYTES} bytes`);
	return key;
}

const boxes = new WeakMap<Database.Database, SecretBox>();

/**
 * The box for a database: its key file beside the database file. An in-memory database (tests)
 * gets a key that lives as long as the process, like the database itself.
 */
export function secretBoxFor(db: Database.Database): SecretBox {
	let box = boxes.get(db);
	if (!box) {
		const file = db.memory || db.name === '' ? null : keyFileFor(db.name);
		box = createSecretBox(file ? loadOrCreateKey(file) : randomBytes(KEY_BYTES));
		boxes.set(db, box);
	}
	return box;
}

function b64(bytes: Buffer): string {
	return bytes.toString('base64url');
}
