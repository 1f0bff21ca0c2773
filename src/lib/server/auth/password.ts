import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (RFC 7914), at the cost OWASP's Password Storage Cheat Sheet and
 * ASVS 4.0 §2.4.3 give for scrypt: N = 2^17, r = 8, p = 1, i.e. 128 MiB of memory and ~0.1–0.3 s
 * of one core per hash, run on libuv's thread pool so the event loop stays free.
 *
 * Hashes are stored in the PHC string format, `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64, no
 * padding), so that each hash carries its own cost and can be upgraded at the next login.
 */

export type ScryptParams = { readonly logN: number; readonly r: number; readonly p: number };

/** The production cost. There is no way to lower it from the environment. */
export const SCRYPT_PRODUCTION: ScryptParams = Object.freeze({ logN: 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export type PasswordHasher = {
	readonly params: ScryptParams;
	hash(password: string): Promise<string>;
	verify(password: string, stored: string): Promise<boolean>;
	/**
	 * Spends the same time as `verify` and returns false: used when the account is unknown, so
	 * that the answer's timing does not tell whether an email has an account.
	 */
	verifyDummy(password: string): Promise<false>;
	/** Whether a stored hash is weaker than this hasher's cost (and should be redone at login). */
	needsRehash(stored: string): boolean;
};

/**
 * A hasher at the production cost. Tests pass a cheaper cost explicitly (ApiDeps.testOnlyScrypt);
 * a test checks that everything else uses SCRYPT_PRODUCTION.
 */
export function createPasswordHasher(params: ScryptParams = SCRYPT_PRODUCTION): PasswordHasher {
	let dummy: Promise<string> | null = null;
	const hash = async (password: string) => {
		const salt = randomBytes(SALT_BYTES);
		const key = await derive(password, salt, params);
		return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
	};
	const verify = async (password: string, stored: string) => {
		const parsed = parsePhc(stored);
		if (!parsed) return false;
		const key = await derive(password, parsed.salt, parsed.params);
		return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
	};
	return {
		params,
		hash,
		verify,
		async verifyDummy(password) {
			dummy ??= hash(randomBytes(24).toString('base64'));
			await verify(password, await dummy);
			return false;
		},
		needsRehash(stored) {
			const parsed = parsePhc(stored);
			if (!parsed) return true;
			const p = parsed.params;
			return p.logN < params.logN || p.r < params.r || p.p < params.p;
		}
	};
}

let production: PasswordHasher | null = null;

/** The process-wide production hasher (its dummy hash is computed once). */
export function passwordHasher(): PasswordHasher {
	production ??= createPasswordHasher(SCRYPT_PRODUCTION);
	return production;
}

/** The cost recorded in a stored hash, or null if it is not one of ours. */
export function hashParams(stored: string): ScryptParams | null {
	return parsePhc(stored)?.params ?? null;
}

function parsePhc(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
	const match = PHC.exec(stored);
	if (!match) return null;
	const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
	if (logN < 1 || logN > 22 || r < 1 || p < 1) return null;
	return {
		params: { logN, r, p },
		salt: Buffer.from(match[4]!, 'base64'),
		key: Buffer.from(match[5]!, 'base64')
	};
}

function derive(password: string, salt: Buffer, { logN, r, p }: ScryptParams): Promise<Buffer> {
	const N = 2 ** logN;
	// Node refuses scrypt when 128·N·r exceeds maxmem (32 MiB by default); allow twice the need.
	const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
	// NFKC: the same password typed on another keyboard or OS gives the same bytes (NIST SP 800-63B §5.1.1.2).
	const bytes = Buffer.from(password.normalize('NFKC'), 'utf8');
	return new Promise((resolve, reject) => {
		scrypt(bytes, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
	});
}

function b64(bytes: Buffer): string {
	return bytes.toString('base64').replace(/=+$/, '');
}
