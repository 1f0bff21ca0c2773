import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { access, viewerOf, loadSession } from '../../src/lib/server/api/access';
import type { AppEnv } from '../../src/lib/server/api/env';
import { scopeOf } from '../../src/lib/server/scope';
import { handleApiError } from '../../src/lib/server/api/errors';
import { audit } from '../../src/lib/server/auth/audit';
import { createDeviceTrust } from '../../src/lib/server/auth/device';
import { createLoginGuard } from '../../src/lib/server/auth/limits';
import { login } from '../../src/lib/server/auth/login';
import { createPasswordHasher, hashParams, type PasswordHasher } from '../../src/lib/server/auth/password';
import { hashToken } from '../../src/lib/server/auth/sessions';
import {
	addUser,
	createTestContext,
	jsonHeaders,
	loginAs,
	sessionCookieFor,
	TEST_PASSWORD,
	TEST_SCRYPT
} from './helpers';

let ctx: ReturnType<typeof createTestContext>;
let adminId: number;

beforeAll(async () => {
	ctx = createTestContext();
	adminId = (await addUser(ctx.db, { email: 'admin@example.org', role: 'admin' })).id;
	await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
	await addUser(ctx.db, {
		email: 'policia.narino@example.org',
		role: 'provider',
		jurisdiction: { departments: ['52'], municipalities: ['05001'] }
	});
});
afterAll(() => ctx.cleanup());
afterEach(() => {
	vi.useRealTimers();
});

type Json = Record<string, unknown> & { error?: { code: string; message: string } };
async function call(path: string, init: RequestInit & { env?: { clientAddress?: string } } = {}) {
	const { env, ...rest } = init;
	const res = await ctx.api.request(path, rest, env);
	const text = await res.text();
	return { res, body: (text ? JSON.parse(text) : null) as Json };
}
const me = (cookie: string | null) => call('/api/auth/me', { headers: cookie ? { Cookie: cookie } : {} });
const auditRows = (action: string) =>
	ctx.db.prepare('SELECT * FROM audit_log WHERE action = ? ORDER BY id').all(action) as Record<
		string,
		unknown
	>[];

describe('login, me and logout', () => {
	it('signs in, sets a HttpOnly SameSite=Lax cookie for 12 h, and says who is signed in', async () => {
		const { res, cookie } = await loginAs(ctx.api, 'planner@example.org');
		expect(res.status).toBe(200);
		const body = (await res.json()) as Json;
		expect(body.user).toEqual({
			id: expect.any(Number),
			email: 'planner@example.org',
			role: 'planner',
			jurisdiction: { departments: [], municipalities: [] }
		});
		const set = res.headers.get('set-cookie')!;
		expect(set).toMatch(/^resiliencia_session=[A-Za-z0-9_-]{43};/);
		expect(set).toMatch(/; Max-Age=43200/);
		expect(set).toMatch(/; Path=\//);
		expect(set).toMatch(/; HttpOnly/);
		expect(set).toMatch(/; SameSite=Lax/);
		// Plain http is allowed on loopback only, without Secure.
		expect(set).not.toMatch(/Secure/);
		expect(res.headers.get('cache-control')).toBe('no-store');

		const who = await me(cookie);
		expect(who.body.user).toMatchObject({ email: 'planner@example.org', role: 'planner' });
		expect(who.res.headers.get('cache-control')).toBe('private, no-store');
		expect((await me(null)).body).toEqual({ user: null });
	});

	it('uses the __Host- prefixed Secure cookie on https, and ignores the plain one there', async () => {
		const res = await ctx.api.request('https://resiliencia.example/api/auth/login', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ email: 'planner@example.org', password: TEST_PASSWORD })
		});
		const set = res.headers.get('set-cookie')!;
		expect(set).toMatch(/^__Host-resiliencia_session=[A-Za-z0-9_-]{43};/);
		expect(set).toMatch(/; Secure/);
		expect(set).toMatch(/; Path=\//);
		expect(set).not.toMatch(/Domain=/);
		const token = set.split(';')[0]!.split('=')[1]!;
		const https = async (cookie: string) => {
			const res = await ctx.api.request('https://resiliencia.example/api/auth/me', {
				headers: { Cookie: cookie }
			});
			return res.json();
		};
		expect(await https(`__Host-resiliencia_session=${token}`)).toMatchObject({
			user: { email: 'planner@example.org' }
		});
		expect(await https(`resiliencia_session=${token}`)).toEqual({ user: null });
	});

	it('refuses to sign in over plain http away from loopback', async () => {
		const res = await ctx.api.request('http://192.0.2.10/api/auth/login', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ email: 'planner@example.org', password: TEST_PASSWORD })
		});
		expect(res.status).toBe(403);
		expect(((await res.json()) as Json).error?.code).toBe('insecure_transport');
		expect(res.headers.get('set-cookie')).toBeNull();
	});

	it('issues a new session id at every login and ends the one the browser already had', async () => {
		const first = await loginAs(ctx.api, 'planner@example.org');
		const second = await ctx.api.request('/api/auth/login', {
			method: 'POST',
			headers: { ...jsonHeaders(first.cookie) },
			body: JSON.stringify({ email: 'planner@example.org', password: TEST_PASSWORD })
		});
		const cookie = second.headers.get('set-cookie')!.split(';')[0]!;
		expect(cookie).not.toBe(first.cookie);
		expect((await me(first.cookie)).body.user).toBeNull();
		expect((await me(cookie)).body.user).not.toBeNull();
	});

	it('stores only a SHA-256 of the token', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const token = cookie!.split('=')[1]!;
		const hashes = ctx.db.prepare('SELECT token_hash FROM sessions').pluck().all();
		expect(hashes).toContain(hashToken(token));
		expect(JSON.stringify(hashes)).not.toContain(token);
	});

	it('logs out: the session ends on the server even if the browser keeps the cookie', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const { res } = await call('/api/auth/logout', { method: 'POST', headers: jsonHeaders(cookie) });
		expect(res.status).toBe(204);
		expect(res.headers.get('set-cookie')).toMatch(/^resiliencia_session=; Max-Age=0/);
		expect((await me(cookie)).body.user).toBeNull();
		expect(auditRows('auth.logout').at(-1)).toMatchObject({ actor_email: 'planner@example.org' });
	});

	it('records the client address of a login in the audit log', async () => {
		await call('/api/auth/login', {
			method: 'POST',
			headers: jsonHeaders(),
			body: JSON.stringify({ email: 'planner@example.org', password: TEST_PASSWORD }),
			env: { clientAddress: '203.0.113.7' }
		});
		expect(auditRows('auth.login').at(-1)).toMatchObject({
			actor_email: 'planner@example.org',
			target: 'planner@example.org',
			ip: '203.0.113.7'
		});
	});
});

describe('failed logins', () => {
	it('gives the same answer for an unknown email and a wrong password', async () => {
		const unknown = await loginAs(ctx.api, 'nobody@example.org', 'whatever password');
		const wrong = await loginAs(ctx.api, 'admin@example.org', 'not the password');
		expect(unknown.res.status).toBe(401);
		expect(wrong.res.status).toBe(401);
		expect(await unknown.res.text()).toBe(await wrong.res.text());
		expect(unknown.cookie).toBeNull();
		expect(wrong.cookie).toBeNull();
		expect([...unknown.res.headers.keys()].sort()).toEqual([...wrong.res.headers.keys()].sort());
		const reasons = auditRows('auth.login_failed').map((r) => JSON.parse(String(r.details)).reason);
		expect(reasons).toEqual(expect.arrayContaining(['unknown_email', 'wrong_password']));
	});

	it('does the same hashing work for an unknown email as for a known one', async () => {
		const real = createPasswordHasher(TEST_SCRYPT);
		const calls: string[] = [];
		const spy: PasswordHasher = {
			...real,
			verify: (p, s) => (calls.push('verify'), real.verify(p, s)),
			verifyDummy: (p) => (calls.push('dummy'), real.verifyDummy(p))
		};
		const input = { password: 'guess', ip: null, userAgent: null };
		const defences = { guard: createLoginGuard(ctx.db), devices: createDeviceTrust(ctx.db) };
		await login(ctx.db, spy, defences, { ...input, email: 'ghost@example.org' });
		await login(ctx.db, spy, defences, { ...input, email: 'planner@example.org' });
		expect(calls).toEqual(['dummy', 'verify']);

		// The dummy runs the same `verify` on a hash of the hasher's own cost (password.ts), so the
		// two cost the same scrypt work; wall-clock timing is not asserted here (flaky on 2 busy cores).
		ctx.db.prepare('DELETE FROM login_throttle').run();
	});

	// `loginAs` sends no device cookie: these are untrusted clients, which share the account's lock
	// (auth/limits.ts). A browser that signed in before keeps its own allowance and is not locked
	// out by them: tests/api/login-flood.spec.ts.
	it('locks an account for 15 minutes after 10 failures, even for the right password', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(Date.UTC(2025, 2, 3, 10, 0, 0));
		await addUser(ctx.db, { email: 'target@example.org', role: 'planner' });
		for (let i = 0; i < 10; i++) {
			expect((await loginAs(ctx.api, 'target@example.org', `guess ${i}`)).res.status).toBe(401);
		}
		const locked = await loginAs(ctx.api, 'target@example.org');
		expect(locked.res.status).toBe(429);
		expect(locked.res.headers.get('retry-after')).toBe('900');
		expect(((await locked.res.json()) as Json).error?.code).toBe('too_many_attempts');
		expect(locked.cookie).toBeNull();
		expect(auditRows('auth.login_locked').at(-1)).toMatchObject({ target: 'target@example.org' });

		vi.setSystemTime(Date.UTC(2025, 2, 3, 10, 14, 0));
		expect((await loginAs(ctx.api, 'target@example.org')).res.status).toBe(429);
		vi.setSystemTime(Date.UTC(2025, 2, 3, 10, 15, 1));
		expect((await loginAs(ctx.api, 'target@example.org')).res.status).toBe(200);
	});

	it('locks unknown emails the same way, so a lock tells nothing', async () => {
		for (let i = 0; i < 10; i++) await loginAs(ctx.api, 'ghost-lock@example.org', 'guess');
		const locked = await loginAs(ctx.api, 'ghost-lock@example.org', 'guess');
		expect(locked.res.status).toBe(429);
	});

	it('does not let parallel guesses slip past the limit', async () => {
		await addUser(ctx.db, { email: 'parallel@example.org', role: 'planner' });
		const results = await Promise.all(
			Array.from({ length: 16 }, (_, i) => loginAs(ctx.api, 'parallel@example.org', `guess ${i}`))
		);
		const statuses = results.map((r) => r.res.status);
		expect(statuses.filter((s) => s === 401)).toHaveLength(10);
		expect(statuses.filter((s) => s === 429)).toHaveLength(6);
	});

	it('refuses a disabled account with the same answer', async () => {
		const user = await addUser(ctx.db, { email: 'gone@example.org', role: 'planner' });
		ctx.db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(user.id);
		const res = await loginAs(ctx.api, 'gone@example.org');
		expect(res.res.status).toBe(401);
		expect(((await res.res.json()) as Json).error?.code).toBe('invalid_credentials');
	});
});

describe('session expiry through the API', () => {
	it('ends a session after 30 idle minutes and after 12 hours', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const t0 = Date.UTC(2025, 2, 4, 8, 0, 0);
		vi.setSystemTime(t0);
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		vi.setSystemTime(t0 + 25 * 60_000);
		expect((await me(cookie)).body.user).not.toBeNull();
		vi.setSystemTime(t0 + 50 * 60_000);
		expect((await me(cookie)).body.user).not.toBeNull();
		vi.setSystemTime(t0 + 81 * 60_000);
		expect((await me(cookie)).body.user).toBeNull();

		vi.setSystemTime(t0);
		const again = await loginAs(ctx.api, 'planner@example.org');
		for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
			vi.setSystemTime(t0 + minutes * 60_000);
			expect((await me(again.cookie)).body.user, `${minutes} min`).not.toBeNull();
		}
		vi.setSystemTime(t0 + 12 * 60 * 60_000);
		expect((await me(again.cookie)).body.user).toBeNull();
	});
});

describe('request safety', () => {
	it('refuses a state-changing request from another origin, with a valid session', async () => {
		const cookie = sessionCookieFor(ctx.db, adminId);
		const body = JSON.stringify({
			email: 'forged@example.org',
			role: 'planner',
			password: 'a long enough password'
		});
		const forged: Record<string, string>[] = [
			{ Origin: 'https://evil.example' },
			{ 'Sec-Fetch-Site': 'cross-site' },
			{ 'Sec-Fetch-Site': 'same-site', Origin: 'https://sub.localhost' },
			{ Origin: 'null' }
		];
		for (const headers of forged) {
			const { res, body: answer } = await call('/api/users', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
				body
			});
			expect(res.status).toBe(403);
			expect(answer.error?.code).toBe('csrf');
		}
		expect(
			ctx.db.prepare("SELECT count(*) FROM users WHERE email = 'forged@example.org'").pluck().get()
		).toBe(0);
		// The same request from the app itself goes through.
		const ok = await call('/api/users', { method: 'POST', headers: jsonHeaders(cookie), body });
		expect(ok.res.status).toBe(201);
	});

	it('refuses a cross-site login and logout too (login CSRF)', async () => {
		const { res } = await call('/api/auth/login', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
			body: JSON.stringify({ email: 'planner@example.org', password: TEST_PASSWORD })
		});
		expect(res.status).toBe(403);
		expect(res.headers.get('set-cookie')).toBeNull();
		expect(
			(await call('/api/auth/logout', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } })).res
				.status
		).toBe(403);
	});

	it('refuses bodies over 64 KiB before parsing them, with or without Content-Length', async () => {
		const big = JSON.stringify({ email: 'a@example.org', password: 'x'.repeat(70_000) });
		const declared = await call('/api/auth/login', { method: 'POST', headers: jsonHeaders(), body: big });
		expect(declared.res.status).toBe(413);
		expect(declared.body.error?.code).toBe('payload_too_large');

		const stream = new ReadableStream({
			start(controller) {
				for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(8_000)));
				controller.close();
			}
		});
		const chunked = await ctx.api.request('/api/auth/login', {
			method: 'POST',
			headers: jsonHeaders(),
			body: stream,
			duplex: 'half'
		} as RequestInit);
		expect(chunked.status).toBe(413);
	});

	it('answers 401 to the anonymous public and 403 to other roles on admin routes', async () => {
		expect((await call('/api/users')).res.status).toBe(401);
		const provider = sessionCookieFor(ctx.db, 3);
		const { res, body } = await call('/api/users', { headers: { Cookie: provider } });
		expect(res.status).toBe(403);
		expect(body.error).toEqual({ code: 'forbidden', message: 'The provider role may not use this route' });
	});
});

describe('jurisdiction', () => {
	/** A provider-facing route as the reported-issues feature will write it. */
	function demoApp() {
		const app = new Hono<AppEnv>().basePath('/api');
		app.use('*', loadSession(ctx.db));
		app.get('/places/:code', access(['admin', 'planner', 'provider'], { jurisdiction: true }), (c) => {
			const code = c.req.param('code');
			scopeOf(viewerOf(c)).assertMunicipality(code);
			return c.json({ code });
		});
		app.get('/places', access('restricted', { jurisdiction: true }), (c) => {
			const rows = ctx.db.prepare('SELECT code FROM municipalities ORDER BY code').pluck().all() as string[];
			return c.json({ codes: scopeOf(viewerOf(c)).keep(rows, (code) => code) });
		});
		app.onError(handleApiError);
		return app;
	}

	it('gives a provider only its departments and municipalities, 403 outside', async () => {
		const app = demoApp();
		const provider = { Cookie: sessionCookieFor(ctx.db, 3) };
		expect((await app.request('/api/places/52835', { headers: provider })).status).toBe(200);
		expect((await app.request('/api/places/05001', { headers: provider })).status).toBe(200);
		const outside = await app.request('/api/places/05120', { headers: provider });
		expect(outside.status).toBe(403);
		expect(await outside.json()).toEqual({
			error: { code: 'outside_jurisdiction', message: 'Municipality 05120 is outside your jurisdiction' }
		});
		expect(await (await app.request('/api/places', { headers: provider })).json()).toEqual({
			codes: ['05001', '52001', '52356', '52835']
		});
		const planner = { Cookie: sessionCookieFor(ctx.db, 2) };
		expect((await app.request('/api/places/05120', { headers: planner })).status).toBe(200);
		expect((await app.request('/api/places/05120')).status).toBe(401);
	});
});

describe('users API', () => {
	let admin: string;
	beforeAll(() => {
		admin = sessionCookieFor(ctx.db, adminId);
	});
	const post = (body: unknown) =>
		call('/api/users', { method: 'POST', headers: jsonHeaders(admin), body: JSON.stringify(body) });
	const patch = (id: number, body: unknown) =>
		call(`/api/users/${id}`, { method: 'PATCH', headers: jsonHeaders(admin), body: JSON.stringify(body) });

	it('creates a provider with a jurisdiction, never returns a password hash, and audits it', async () => {
		const { res, body } = await post({
			email: ' Fiscalia.Tumaco@Example.org ',
			role: 'provider',
			password: 'a long enough password',
			jurisdiction: { municipalities: ['52835'] }
		});
		expect(res.status).toBe(201);
		expect(body.user).toMatchObject({
			email: 'fiscalia.tumaco@example.org',
			role: 'provider',
			jurisdiction: { departments: [], municipalities: ['52835'] },
			disabled: false,
			lastLoginAt: null
		});
		expect(JSON.stringify(body)).not.toMatch(/scrypt|password/i);
		const list = await call('/api/users', { headers: { Cookie: admin } });
		expect(JSON.stringify(list.body)).not.toMatch(/scrypt|password_hash|passwordHash/);
		expect(auditRows('user.create').at(-1)).toMatchObject({
			actor_email: 'admin@example.org',
			action: 'user.create'
		});
	});

	it.each([
		[
			{ email: 'fiscalia.tumaco@example.org', role: 'planner', password: 'a long enough password' },
			409,
			'email_taken'
		],
		[
			{ email: 'x@example.org', role: 'provider', password: 'a long enough password' },
			400,
			'invalid_request'
		],
		[
			{
				email: 'x@example.org',
				role: 'planner',
				password: 'a long enough password',
				jurisdiction: { departments: ['52'] }
			},
			400,
			'invalid_request'
		],
		[
			{
				email: 'x@example.org',
				role: 'provider',
				password: 'a long enough password',
				jurisdiction: { departments: ['99'] }
			},
			400,
			'unknown_codes'
		],
		[{ email: 'x@example.org', role: 'planner', password: 'short' }, 400, 'invalid_request'],
		[{ email: 'not an email', role: 'planner', password: 'a long enough password' }, 400, 'invalid_request'],
		[
			{ email: 'x@example.org', role: 'superuser', password: 'a long enough password' },
			400,
			'invalid_request'
		],
		[
			{ email: 'x@example.org', role: 'planner', password: 'a long enough password', isAdmin: true },
			400,
			'invalid_request'
		]
	])('refuses %j with %i %s', async (input, status, code) => {
		const { res, body } = await post(input);
		expect(res.status).toBe(status);
		expect(body.error?.code).toBe(code);
	});

	it('changes role and jurisdiction; disabling ends the user’s sessions', async () => {
		const user = await addUser(ctx.db, { email: 'moving@example.org', role: 'planner' });
		const { cookie } = await loginAs(ctx.api, 'moving@example.org');
		const changed = await patch(user.id, { role: 'provider', jurisdiction: { departments: ['05'] } });
		expect(changed.body.user).toMatchObject({
			role: 'provider',
			jurisdiction: { departments: ['05'], municipalities: [] }
		});
		expect((await me(cookie)).body.user).toMatchObject({ role: 'provider' });
		const back = await patch(user.id, { role: 'planner' });
		expect(back.body.user).toMatchObject({
			role: 'planner',
			jurisdiction: { departments: [], municipalities: [] }
		});

		const disabled = await patch(user.id, { disabled: true });
		expect(disabled.body.user).toMatchObject({ disabled: true });
		expect((await me(cookie)).body.user).toBeNull();
		expect((await loginAs(ctx.api, 'moving@example.org')).res.status).toBe(401);
		const entry = auditRows('user.update').at(-1)!;
		expect(JSON.parse(String(entry.details))).toEqual({
			email: 'moving@example.org',
			changes: { disabled: { from: false, to: true } }
		});
	});

	it('refuses a reset to a password containing the e-mail, with the reason in the caller’s language', async () => {
		const user = await addUser(ctx.db, { email: 'renata@example.org', role: 'planner' });
		for (const [language, reason] of [
			['es', 'no debe contener el correo'],
			['en', 'must not contain the email']
		] as const) {
			const res = await ctx.api.request(`/api/users/${user.id}`, {
				method: 'PATCH',
				headers: { ...jsonHeaders(admin), 'Accept-Language': language },
				body: JSON.stringify({ password: 'renata@example.org long' })
			});
			expect(res.status).toBe(400);
			const body = (await res.json()) as { error: { details?: Record<string, string> } };
			expect(Object.values(body.error.details ?? {}).join(' ')).toContain(reason);
		}
		expect((await loginAs(ctx.api, 'renata@example.org')).res.status).toBe(200);
	});

	it('resets a password, ending old sessions', async () => {
		const user = await addUser(ctx.db, { email: 'forgot@example.org', role: 'planner' });
		const { cookie } = await loginAs(ctx.api, 'forgot@example.org');
		expect((await patch(user.id, { password: 'a brand new passphrase' })).res.status).toBe(200);
		expect((await me(cookie)).body.user).toBeNull();
		expect((await loginAs(ctx.api, 'forgot@example.org', 'a brand new passphrase')).res.status).toBe(200);
		expect(String(auditRows('user.update').at(-1)!.details)).not.toContain('brand new');
	});

	it('refuses to make a provider without a jurisdiction', async () => {
		const user = await addUser(ctx.db, { email: 'nowhere@example.org', role: 'planner' });
		const { res, body } = await patch(user.id, { role: 'provider' });
		expect(res.status).toBe(400);
		expect(body.error?.code).toBe('jurisdiction_required');
	});

	it('keeps at least one enabled admin', async () => {
		const { res, body } = await patch(adminId, { role: 'planner' });
		expect(res.status).toBe(409);
		expect(body.error?.code).toBe('last_admin');
		expect((await patch(adminId, { disabled: true })).res.status).toBe(409);
	});

	it('answers 404 for an unknown user and 400 for an empty change', async () => {
		expect((await patch(99_999, { disabled: true })).res.status).toBe(404);
		expect((await patch(adminId, {})).res.status).toBe(400);
		expect((await call('/api/users/abc', { headers: { Cookie: admin } })).res.status).toBe(400);
	});

	it('hashes at the production cost (N = 2^17) when no test-only cost is given', async () => {
		const prod = createTestContext({ scrypt: 'production' });
		try {
			const first = await addUser(prod.db, { email: 'root@example.org', role: 'admin' });
			const res = await prod.api.request('/api/users', {
				method: 'POST',
				headers: jsonHeaders(sessionCookieFor(prod.db, first.id)),
				body: JSON.stringify({
					email: 'new@example.org',
					role: 'planner',
					password: 'a long enough password'
				})
			});
			expect(res.status).toBe(201);
			const stored = prod.db
				.prepare("SELECT password_hash FROM users WHERE email = 'new@example.org'")
				.pluck()
				.get() as string;
			const params = hashParams(stored)!;
			expect(2 ** params.logN).toBeGreaterThanOrEqual(2 ** 17);
			expect(params).toMatchObject({ r: 8, p: 1 });
		} finally {
			prod.cleanup();
		}
	});

	it('upgrades a weaker stored hash at the next login', async () => {
		const stronger = createTestContext({ scrypt: { logN: 11, r: 8, p: 1 } });
		try {
			await addUser(stronger.db, { email: 'old@example.org', role: 'planner' });
			expect((await loginAs(stronger.api, 'old@example.org')).res.status).toBe(200);
			const stored = stronger.db
				.prepare("SELECT password_hash FROM users WHERE email = 'old@example.org'")
				.pluck()
				.get() as string;
			expect(hashParams(stored)?.logN).toBe(11);
		} finally {
			stronger.cleanup();
		}
	});
});

describe('own password change', () => {
	it('needs the current password and ends the other sessions, keeping this one', async () => {
		await addUser(ctx.db, {
			email: 'changer@example.org',
			role: 'provider',
			jurisdiction: { departments: ['52'] }
		});
		const here = (await loginAs(ctx.api, 'changer@example.org')).cookie;
		const elsewhere = (await loginAs(ctx.api, 'changer@example.org')).cookie;
		const change = (currentPassword: string) =>
			call('/api/auth/password', {
				method: 'POST',
				headers: jsonHeaders(here),
				body: JSON.stringify({ currentPassword, newPassword: 'another long passphrase' })
			});
		expect((await change('wrong')).res.status).toBe(403);
		expect((await change(TEST_PASSWORD)).res.status).toBe(204);
		expect((await me(here)).body.user).not.toBeNull();
		expect((await me(elsewhere)).body.user).toBeNull();
		expect((await loginAs(ctx.api, 'changer@example.org', 'another long passphrase')).res.status).toBe(200);
	});
});

describe('own password change, brute force', () => {
	it('counts wrong current passwords against the account limit', async () => {
		const user = await addUser(ctx.db, { email: 'guessed@example.org', role: 'planner' });
		const cookie = sessionCookieFor(ctx.db, user.id);
		const attempt = () =>
			call('/api/auth/password', {
				method: 'POST',
				headers: jsonHeaders(cookie),
				body: JSON.stringify({ currentPassword: 'guess', newPassword: 'another long passphrase' })
			});
		for (let i = 0; i < 10; i++) expect((await attempt()).res.status).toBe(403);
		expect((await attempt()).res.status).toBe(429);
		expect((await loginAs(ctx.api, 'guessed@example.org')).res.status).toBe(429);
	});
});

describe('audit log', () => {
	it('is append-only: the database refuses UPDATE and DELETE', () => {
		const id = audit(ctx.db, { actor: null, action: 'test.append', target: 'x' });
		expect(() => ctx.db.prepare("UPDATE audit_log SET action = 'test.other' WHERE id = ?").run(id)).toThrow(
			/append-only/
		);
		expect(() => ctx.db.prepare('DELETE FROM audit_log WHERE id = ?').run(id)).toThrow(/append-only/);
		expect(() => ctx.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
		expect(ctx.db.prepare('SELECT action FROM audit_log WHERE id = ?').pluck().get(id)).toBe('test.append');
	});

	it('never stores secrets passed in details, and refuses malformed actions', () => {
		const id = audit(ctx.db, {
			actor: { id: null, email: 'cli' },
			action: 'test.redact',
			details: { password: 'hunter2hunter2', nested: { token: 'abc' }, rows: 12 }
		});
		const details = ctx.db.prepare('SELECT details FROM audit_log WHERE id = ?').pluck().get(id) as string;
		expect(JSON.parse(details)).toEqual({
			password: '[redacted]',
			nested: { token: '[redacted]' },
			rows: 12
		});
		expect(() => audit(ctx.db, { actor: null, action: 'DROP TABLE' })).toThrow(/kind.verb/);
	});

	it('is readable by admins only, filtered and paged', async () => {
		const admin = { Cookie: sessionCookieFor(ctx.db, adminId) };
		expect((await call('/api/audit')).res.status).toBe(401);
		expect((await call('/api/audit', { headers: { Cookie: sessionCookieFor(ctx.db, 2) } })).res.status).toBe(
			403
		);

		const all = await call('/api/audit?limit=200', { headers: admin });
		const entries = all.body.entries as { id: number; action: string; actor: { email: string | null } }[];
		expect(entries.length).toBeGreaterThan(10);
		expect(entries[0]!.id).toBeGreaterThan(entries.at(-1)!.id);

		const failed = await call('/api/audit?action=auth.login_failed', { headers: admin });
		expect((failed.body.entries as { action: string }[]).every((e) => e.action === 'auth.login_failed')).toBe(
			true
		);
		const authAll = await call('/api/audit?action=auth.*', { headers: admin });
		const kinds = new Set((authAll.body.entries as { action: string }[]).map((e) => e.action));
		expect([...kinds].every((a) => a.startsWith('auth.'))).toBe(true);
		expect(kinds.size).toBeGreaterThan(2);

		const byActor = await call('/api/audit?actor=ADMIN@example.org&action=user.*', { headers: admin });
		expect(
			(byActor.body.entries as { actor: { email: string } }[]).every(
				(e) => e.actor.email === 'admin@example.org'
			)
		).toBe(true);

		const page1 = await call('/api/audit?limit=5', { headers: admin });
		const next = page1.body.nextBefore as number;
		const page2 = await call(`/api/audit?limit=5&before=${next}`, { headers: admin });
		const ids = [
			...(page1.body.entries as { id: number }[]),
			...(page2.body.entries as { id: number }[])
		].map((e) => e.id);
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
		expect(new Set(ids).size).toBe(10);

		const today = new Date().toISOString().slice(0, 10);
		const dated = await call(`/api/audit?from=${today}&to=${today}&limit=1`, { headers: admin });
		expect(dated.body.entries).toHaveLength(1);
		const future = await call('/api/audit?from=2999-01-01', { headers: admin });
		expect(future.body).toEqual({ entries: [], nextBefore: null });

		for (const bad of ['action=DROP', 'from=yesterday', 'limit=1000', 'before=-1']) {
			expect((await call(`/api/audit?${bad}`, { headers: admin })).res.status, bad).toBe(400);
		}
	});
});
