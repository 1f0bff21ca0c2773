import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashParams } from '../src/lib/server/auth/password';

let dir: string;
let dbFile: string;

function run(args: string[], stdin: string) {
	return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user-add.ts', ...args], {
		input: stdin,
		encoding: 'utf8',
		env: { ...process.env, RESILIENCIA_DB: dbFile, RESILIENCIA_BUILD_DIR: path.join(dir, 'build') },
		timeout: 60_000
	});
}

function users() {
	const db = new Database(dbFile, { readonly: true });
	try {
		return db
			.prepare(
				`SELECT u.email, u.role, u.disabled, u.password_hash AS hash, group_concat(j.code) AS scope
				 FROM users u LEFT JOIN user_jurisdiction j ON j.user_id = u.id GROUP BY u.id ORDER BY u.id`
			)
			.all() as { email: string; role: string; disabled: number; hash: string; scope: string | null }[];
	} finally {
		db.close();
	}
}

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-user-add-'));
	dbFile = path.join(dir, 'test.db');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm run user:add', () => {
	it('creates the first admin with the password from stdin, at the production cost', () => {
		const result = run(['--email', 'Admin@Example.org', '--role', 'admin'], 'una frase de paso larga\n');
		expect(result.stderr).toBe('');
		expect(result.stdout).toMatch(/Created admin admin@example.org \(id 1\)/);
		const [admin] = users();
		expect(admin).toMatchObject({ email: 'admin@example.org', role: 'admin', scope: null });
		expect(hashParams(admin!.hash)?.logN).toBeGreaterThanOrEqual(17);
		expect(admin!.hash).not.toContain('una frase');
	});

	it('gives a provider its jurisdiction from --scope', () => {
		const result = run(
			['--email', 'policia@example.org', '--role', 'provider', '--scope', '52, 5001'],
			'otra frase de paso\n'
		);
		expect(result.status).toBe(0);
		expect(users()[1]).toMatchObject({ role: 'provider', scope: '05001,52' });
	});

	it('never accepts a password on the command line', () => {
		const result = run(['--email', 'x@example.org', '--role', 'admin', '--password', 'secret secret'], '');
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/never taken from the command line/);
		expect(users()).toHaveLength(2);
	});

	it.each([
		[['--email', 'admin@example.org', '--role', 'admin'], 'a long enough password', /exists/],
		[['--email', 'y@example.org', '--role', 'admin'], 'short', /at least 12/],
		[['--email', 'y@example.org', '--role', 'root'], 'a long enough password', /--role/],
		[['--email', 'y@example.org', '--role', 'provider'], 'a long enough password', /jurisdiction/],
		[
			['--email', 'y@example.org', '--role', 'planner', '--scope', '52'],
			'a long enough password',
			/providers and reporters only/
		]
	])('refuses %j', (args, password, message) => {
		const result = run(args, `${password}\n`);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(message);
	});

	// Issue #14: the strength check of the service, with its reason in both languages.
	it.each([
		['aaaaaaaaaaaa', /demasiado fácil de adivinar[\s\S]*too easy to guess/],
		['password1234', /demasiado fácil de adivinar[\s\S]*too easy to guess/],
		['weak@example.org', /no debe contener el correo[\s\S]*must not contain the email/]
	])('refuses the weak password %j with its reason in Spanish and English', (password, reason) => {
		const result = run(['--email', 'weak@example.org', '--role', 'planner'], `${password}\n`);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/Contraseña rechazada: .*\nPassword refused: /);
		expect(result.stderr).toMatch(reason);
		expect(users().map((u) => u.email)).not.toContain('weak@example.org');
	});

	it('--reset sets a new password and re-enables the account', () => {
		const db = new Database(dbFile);
		db.prepare("UPDATE users SET disabled = 1 WHERE email = 'admin@example.org'").run();
		db.close();
		const before = users()[0]!.hash;
		const result = run(['--email', 'admin@example.org', '--reset'], 'una frase de paso nueva\n');
		expect(result.status).toBe(0);
		expect(users()[0]).toMatchObject({ disabled: 0 });
		expect(users()[0]!.hash).not.toBe(before);
	});
});
