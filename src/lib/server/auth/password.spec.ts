import { describe, expect, it } from 'vitest';
import { createPasswordHasher, hashParams, passwordHasher, SCRYPT_PRODUCTION } from './password';

const cheap = createPasswordHasher({ logN: 10, r: 8, p: 1 });

describe('password hashing', () => {
	it('uses at least the OWASP scrypt cost in production: N = 2^17, r = 8, p = 1', async () => {
		expect(2 ** SCRYPT_PRODUCTION.logN).toBeGreaterThanOrEqual(2 ** 17);
		expect(SCRYPT_PRODUCTION).toMatchObject({ r: 8, p: 1 });
		expect(Object.isFrozen(SCRYPT_PRODUCTION)).toBe(true);
		// One real hash at that cost: Node's maxmem is raised enough for 128 MiB.
		const hasher = passwordHasher();
		expect(hasher.params).toBe(SCRYPT_PRODUCTION);
		const stored = await hasher.hash('una contraseña larga');
		expect(hashParams(stored)).toEqual({ logN: 17, r: 8, p: 1 });
		expect(await hasher.verify('una contraseña larga', stored)).toBe(true);
	});

	it('stores a salted PHC string that verifies only the right password', async () => {
		const a = await cheap.hash('correct horse battery staple');
		const b = await cheap.hash('correct horse battery staple');
		expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
		expect(a).not.toBe(b);
		expect(await cheap.verify('correct horse battery staple', a)).toBe(true);
		expect(await cheap.verify('correct horse battery stapler', a)).toBe(false);
		expect(await cheap.verify('', a)).toBe(false);
	});

	it('treats canonically equivalent Unicode as the same password (NFKC)', async () => {
		const composed = await cheap.hash('contrase\u00f1a-de-prueba');
		expect(await cheap.verify('contrasen\u0303a-de-prueba', composed)).toBe(true);
	});

	it('refuses malformed stored hashes instead of throwing', async () => {
		for (const stored of [
			'',
			'plaintext',
			'$scrypt$ln=99,r=8,p=1$AAAA$BBBB',
			'$argon2id$v=19$m=1,t=1,p=1$AA$BB'
		]) {
			expect(await cheap.verify('x', stored)).toBe(false);
		}
	});

	it('verifies against a dummy hash for unknown accounts, always false', async () => {
		expect(await cheap.verifyDummy('anything at all')).toBe(false);
	});

	it('asks for a rehash when the stored cost is below its own', async () => {
		const stronger = createPasswordHasher({ logN: 11, r: 8, p: 1 });
		const stored = await cheap.hash('a password of some length');
		expect(stronger.needsRehash(stored)).toBe(true);
		expect(cheap.needsRehash(stored)).toBe(false);
		expect(cheap.needsRehash('garbage')).toBe(true);
		// A hash at a different cost still verifies: the cost is read from the hash.
		expect(await stronger.verify('a password of some length', stored)).toBe(true);
	});
});
