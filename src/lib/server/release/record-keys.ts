import { createCipheriv, randomBytes } from 'node:crypto';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';

/**
 * Record keys of the cell-key method (src/lib/domain/release/ptable.ts): each report's key is a
 * number 0–255 given by a keyed pseudo-random function of its id — the id-th byte of the
 * AES-256-CTR keystream under a secret salt. Without the salt the keys, and so the noise of any
 * cell, cannot be predicted; with it, the same reports always give the same noise.
 *
 * The salt is made once per installation and kept in the database (`dataset_meta`), never in the
 * repository: whoever can read it can read the true counts beside it anyway.
 */

const SALT_KEY = 'release.salt';

/** The installation's salt (32 bytes), created on first use. `fixed` is for fixtures only. */
export function releaseSalt(db: DB, fixed?: Buffer): Buffer {
	const row = statement(db, 'SELECT value FROM dataset_meta WHERE key = ?').get(SALT_KEY) as
		{ value: string } | undefined;
	if (row) return Buffer.from(row.value, 'hex');
	const salt = fixed ?? randomBytes(32);
	db.transaction(() => {
		const made = statement(db, 'INSERT OR IGNORE INTO dataset_meta (key, value) VALUES (?, ?)').run(
			SALT_KEY,
			salt.toString('hex')
		).changes;
		// Keys made under another salt (one deleted by hand) are worthless now.
		if (made) {
			statement(db, 'DELETE FROM release_batch_cells').run();
			statement(db, 'DELETE FROM release_batches').run();
		}
	})();
	return releaseSalt(db);
}

/**
 * The record keys of ids `from` … `to` inclusive: `keys[id - from]`. AES-CTR lets any stretch of
 * the keystream be made directly (the counter is the 16-byte block number), ~1 GB/s.
 */
export function recordKeys(salt: Buffer, from: number, to: number): Uint8Array {
	if (to < from) return new Uint8Array(0);
	const firstBlock = Math.floor(from / 16);
	const iv = Buffer.alloc(16);
	iv.writeBigUInt64BE(BigInt(firstBlock), 8);
	const cipher = createCipheriv('aes-256-ctr', salt, iv);
	const skip = from - firstBlock * 16;
	const stream = cipher.update(Buffer.alloc(skip + (to - from + 1)));
	return new Uint8Array(stream.buffer, stream.byteOffset + skip, to - from + 1);
}
