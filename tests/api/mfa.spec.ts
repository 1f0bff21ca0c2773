import { isRedirect } from '@sveltejs/kit';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/lib/server/api/app';
import { requirePageRole } from '../../src/lib/server/auth/guard';
import { authenticate, type ActiveSession } from '../../src/lib/server/auth/sessions';
import { createServices } from '../../src/lib/server/services';
import { viewerFor, type Viewer } from '../../src/lib/server/viewer';
import {
	addUser,
	authenticatorOf,
	createTestContext,
	jsonHeaders,
	loginAs,
	TEST_PASSWORD,
	TEST_SCRYPT,
	totpCode
} from './helpers';

/**
 * Issue #14, passwords and the second factor (ASVS 2.1, 2.7, 2.8, 3.3): enrolment as the account
 * page does it, sign-in with a code from the app (generated here with otpauth, as a phone would),
 * recovery codes, admins without a second factor kept out of admin pages and routes, the password
 * change and one's own sessions. The account page's actions call exactly these service functions.
 */

let ctx: ReturnType<typeof createTestContext>;
let api: ReturnType<typeof createApi>;
let services: ReturnType<typeof createServices>;

beforeAll(() => {
	ctx = createTestContext();
	services = createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
	api = createApi({ db: ctx.db, config: ctx.config, services });
});
afterAll(() => ctx.cleanup());

const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);
/** The session and viewer of a Cookie header, as hooks.server.ts builds them for a page. */
function signedIn(cookie: string): { session: ActiveSession; viewer: Viewer } {
	const session = authenticate(ctx.db, tokenOf(cookie));
	if (!session) throw new Error('not a live session');
	return { session, viewer: viewerFor(session.user, '192.0.2.10') };
}
const alive = (cookie: string) => authenticate(ctx.db, tokenOf(cookie)) !== null;

/** The code the app shows now for a key typed in by hand (the groups of four on the page). */
const codeFor = (typed: string, timestamp = Date.now()) =>
	new TOTP({ secret: Secret.fromBase32(typed.replace(/\s+/g, '')) }).generate({ timestamp });

const post = (path: string, body: unknown, cookie?: string | null) =>
	api.request(path, { method: 'POST', headers: jsonHeaders(cookie), body: JSON.stringify(body) });
const lastAudit = (action: string) =>
	ctx.db.prepare('SELECT * FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1').get(action) as
		{ target: string; details: string | null } | undefined;

describe('enrolling an authenticator (the account page)', () => {
	it('shows a QR code and the key, refuses a wrong code, and turns it on with ten recovery codes shown once', async () => {
		await addUser(ctx.db, { email: 'enrol@example.org', role: 'planner' });
		const { cookie } = await loginAs(api, 'enrol@example.org');
		const elsewhere = (await loginAs(api, 'enrol@example.org')).cookie!;
		const { session, viewer } = signedIn(cookie!);
		const users = services.users;
		expect(users.mfaStatus(viewer, session)).toEqual({ totp: 'off', required: false, recoveryCodesLeft: 0 });

		const first = await users.beginTotp(viewer, session);
		// A second start (a reload, "make another key") replaces a key nobody confirmed.
		const enrolment = await users.beginTotp(viewer, session);
		expect(enrolment.secret).not.toBe(first.secret);
		expect(enrolment.secret).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/); // 160 bits of base32
		expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Resiliencia:enrol%40example\.org\?/);
		expect(enrolment.uri).toContain(`secret=${enrolment.secret.replace(/ /g, '')}`);
		expect(enrolment.qr).toMatch(/^data:image\/svg\+xml;base64,/);
		expect(Buffer.from(enrolment.qr.split(',')[1]!, 'base64').toString()).toContain('<svg');
		expect((await users.pendingTotp(viewer, session))?.secret).toBe(enrolment.secret);
		expect(users.mfaStatus(viewer, session).totp).toBe('enrolling');
		// Sealed at rest: the database holds no readable key.
		const stored = ctx.db.prepare('SELECT sealed_secret FROM user_totp WHERE user_id = ?').pluck();
		expect(stored.get(session.user.id)).not.toContain(enrolment.secret.replace(/ /g, ''));

		expect(users.confirmTotp(viewer, session, codeFor(first.secret))).toBeNull(); // the replaced key
		expect(users.confirmTotp(viewer, session, '000000')).toBeNull();
		expect(users.mfaStatus(viewer, session).totp).toBe('enrolling');

		const codes = users.confirmTotp(viewer, session, codeFor(enrolment.secret));
		expect(codes).toHaveLength(10);
		for (const code of codes!) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
		expect(new Set(codes).size).toBe(10);
		expect(users.mfaStatus(viewer, session)).toEqual({ totp: 'on', required: false, recoveryCodesLeft: 10 });
		// Shown once: neither the key nor the codes come back, and only hashes are stored.
		expect(await users.pendingTotp(viewer, session)).toBeNull();
		await expect(users.beginTotp(viewer, session)).rejects.toMatchObject({ code: 'conflict' });
		const hashes = ctx.db.prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?').pluck();
		expect(hashes.all(session.user.id).join()).not.toContain(codes![0]!.replace(/-/g, ''));
		// The sessions opened without it end; this one stays.
		expect(alive(cookie!)).toBe(true);
		expect(alive(elsewhere)).toBe(false);
		expect(JSON.parse(lastAudit('auth.totp_enabled')!.details!)).toEqual({ otherSessionsEnded: 1 });
	});
});

describe('signing in with a second factor', () => {
	const EMAIL = 'two-step@example.org';
	beforeAll(async () => {
		await addUser(ctx.db, {
			email: EMAIL,
			role: 'provider',
			jurisdiction: { departments: ['52'] },
			totp: true
		});
	});

	it('asks for the code after the password and opens a session only with the right one', async () => {
		const step = await post('/api/auth/login', { email: EMAIL, password: TEST_PASSWORD });
		expect(step.status).toBe(202);
		expect(step.headers.getSetCookie()).toEqual([]); // no session yet
		const { challenge, secondFactor } = (await step.json()) as { challenge: string; secondFactor: string };
		expect(secondFactor).toBe('totp');

		const wrong = await post('/api/auth/login/second-factor', { challenge, code: '123456' });
		expect(wrong.status).toBe(401);
		expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_code');
		expect(wrong.headers.getSetCookie()).toEqual([]);
		expect(lastAudit('auth.second_factor_failed')).toMatchObject({ target: EMAIL });

		const code = await totpCode(ctx.db, EMAIL);
		const right = await post('/api/auth/login/second-factor', { challenge, code });
		expect(right.status).toBe(200);
		const cookie = right.headers.getSetCookie().find((c) => c.startsWith('resiliencia_session='))!;
		expect(alive(cookie.split(';')[0]!)).toBe(true);
		expect(JSON.parse(lastAudit('auth.login')!.details!)).toEqual({ secondFactor: 'totp' });

		// The same code again, in a new sign-in: a replay, refused.
		const again = (await (
			await post('/api/auth/login', { email: EMAIL, password: TEST_PASSWORD })
		).json()) as {
			challenge: string;
		};
		expect((await post('/api/auth/login/second-factor', { challenge: again.challenge, code })).status).toBe(
			401
		);
		// A wrong password never reaches the second step.
		expect((await post('/api/auth/login', { email: EMAIL, password: 'not the password' })).status).toBe(401);
	});

	it('accepts a recovery code once', async () => {
		const [recovery] = authenticatorOf(ctx.db, EMAIL).recoveryCodes;
		const signInWith = async (code: string) => {
			const step = (await (
				await post('/api/auth/login', { email: EMAIL, password: TEST_PASSWORD })
			).json()) as {
				challenge: string;
			};
			return post('/api/auth/login/second-factor', { challenge: step.challenge, code });
		};
		// As people type it: capitals, no dashes.
		expect((await signInWith(recovery!.replace(/-/g, '').toUpperCase())).status).toBe(200);
		expect(JSON.parse(lastAudit('auth.recovery_code_used')!.details!)).toEqual({ left: 9 });
		expect((await signInWith(recovery!)).status).toBe(401);
	});

	it('takes at most five codes per sign-in, then asks for the password again', async () => {
		const step = (await (
			await post('/api/auth/login', { email: EMAIL, password: TEST_PASSWORD })
		).json()) as {
			challenge: string;
		};
		for (let i = 0; i < 5; i++)
			expect(
				(await post('/api/auth/login/second-factor', { challenge: step.challenge, code: `00000${i}` })).status
			).toBe(401);
		const late = await post('/api/auth/login/second-factor', {
			challenge: step.challenge,
			code: await totpCode(ctx.db, EMAIL)
		});
		expect(((await late.json()) as { error: { code: string } }).error.code).toBe('sign_in_expired');
		ctx.db.prepare('DELETE FROM login_throttle').run();
	});
});

describe('admins need a second factor', () => {
	const ADMIN = 'new-admin@example.org';
	let cookie: string;
	beforeAll(async () => {
		await addUser(ctx.db, { email: ADMIN, role: 'admin', totp: false });
		cookie = (await loginAs(api, ADMIN)).cookie!; // no second step: nothing to ask for yet
	});

	it('refuses admin API routes to an admin without one (mfa_required), and lets it enrol', async () => {
		const users = await api.request('/api/users', { headers: { Cookie: cookie } });
		expect(users.status).toBe(403);
		expect(((await users.json()) as { error: { code: string } }).error.code).toBe('mfa_required');
		expect((await api.request('/api/audit', { headers: { Cookie: cookie } })).status).toBe(403);
		// Signed in all the same: the account page and its own routes answer.
		expect((await api.request('/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(200);
		const { session, viewer } = signedIn(cookie);
		expect(session.needsSecondFactor).toBe(true);
		expect(services.users.mfaStatus(viewer, session).required).toBe(true);
	});

	it('sends an admin without one from /admin to the account page (page guard), in its language', () => {
		const { session, viewer } = signedIn(cookie);
		const locals = { requestId: 't', user: session.user, session, viewer };
		for (const [url, location] of [
			['http://localhost/admin/users', '/cuenta?mfa=required'],
			['http://localhost/admin/audit?lang=en', '/cuenta?mfa=required&lang=en']
		] as const) {
			let thrown: unknown = null;
			try {
				requirePageRole(locals, new URL(url), 'admin');
			} catch (error) {
				thrown = error;
			}
			expect(isRedirect(thrown)).toBe(true);
			expect(thrown).toMatchObject({ status: 303, location });
		}
		// The account page itself opens, so that it can enrol.
		expect(
			requirePageRole(locals, new URL('http://localhost/cuenta'), 'admin', 'planner', 'provider')
		).toEqual(session.user);
	});

	it('lets the admin in once enrolled, and asks again after it is turned off', async () => {
		const { session, viewer } = signedIn(cookie);
		const enrolment = await services.users.beginTotp(viewer, session);
		const step = Math.floor(Date.now() / 30_000) - 1; // leaves this step for the code below
		expect(
			services.users.confirmTotp(viewer, session, codeFor(enrolment.secret, step * 30_000))
		).toHaveLength(10);
		expect((await api.request('/api/users', { headers: { Cookie: cookie } })).status).toBe(200);
		const enrolled = signedIn(cookie);
		expect(enrolled.session.needsSecondFactor).toBe(false);
		expect(
			requirePageRole(
				{ requestId: 't', ...enrolled, user: enrolled.session.user },
				new URL('http://localhost/admin'),
				'admin'
			)
		).toEqual(enrolled.session.user);

		// Turning it off takes the password and a code; a wrong one changes nothing.
		const code = codeFor(enrolment.secret);
		expect(
			await services.users.disableTotp(enrolled.viewer, enrolled.session, { password: 'wrong', code })
		).toEqual({
			ok: false,
			reason: 'wrong'
		});
		expect(
			await services.users.disableTotp(enrolled.viewer, enrolled.session, { password: TEST_PASSWORD, code })
		).toEqual({
			ok: true,
			value: true
		});
		expect(signedIn(cookie).session.needsSecondFactor).toBe(true);
		expect((await api.request('/api/users', { headers: { Cookie: cookie } })).status).toBe(403);
	});
});

describe('changing one’s password', () => {
	const EMAIL = 'change@example.org';

	it('needs the current password and ends the other sessions', async () => {
		await addUser(ctx.db, { email: EMAIL, role: 'planner' });
		const cookie = (await loginAs(api, EMAIL)).cookie!;
		const other = (await loginAs(api, EMAIL)).cookie!;
		const next = 'lluvia sobre el puerto de tumaco al amanecer';
		const wrong = await post('/api/auth/password', { currentPassword: 'not it', newPassword: next }, cookie);
		expect(wrong.status).toBe(403);
		expect(alive(other)).toBe(true);

		expect(
			(await post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: next }, cookie)).status
		).toBe(204);
		expect(alive(cookie)).toBe(true);
		expect(alive(other)).toBe(false);
		expect((await loginAs(api, EMAIL)).res.status).toBe(401);
		expect((await loginAs(api, EMAIL, next)).res.status).toBe(200);
		// Anonymous callers cannot change anything.
		expect(
			(await post('/api/auth/password', { currentPassword: next, newPassword: TEST_PASSWORD })).status
		).toBe(401);
	});

	it.each([
		['aaaaaaaaaaaa', 'too easy to guess', 'demasiado fácil de adivinar'],
		['password1234', 'too easy to guess', 'demasiado fácil de adivinar'],
		['weak-me@example.org', 'must not contain the email', 'no debe contener el correo']
	])('refuses %j with the reason, in English and Spanish', async (weak, english, spanish) => {
		const email = 'weak-me@example.org';
		if (!(await loginAs(api, email)).res.ok) await addUser(ctx.db, { email, role: 'planner' });
		const cookie = (await loginAs(api, email)).cookie!;
		for (const [language, reason] of [
			['en', english],
			['es', spanish]
		] as const) {
			const res = await api.request('/api/auth/password', {
				method: 'POST',
				headers: { ...jsonHeaders(cookie), 'Accept-Language': language },
				body: JSON.stringify({ currentPassword: TEST_PASSWORD, newPassword: weak })
			});
			expect(res.status).toBe(400);
			const body = (await res.json()) as { error: { message: string; details?: Record<string, string> } };
			expect(body.error.details?.newPassword ?? body.error.message).toContain(reason);
		}
		expect((await loginAs(api, email)).res.status).toBe(200); // unchanged
	});
});

describe('one’s own sessions', () => {
	it('lists them without their tokens, ends one, then all the others, and never another user’s', async () => {
		await addUser(ctx.db, { email: 'many@example.org', role: 'planner' });
		await addUser(ctx.db, { email: 'someone@example.org', role: 'planner' });
		const cookies = [];
		for (let i = 0; i < 4; i++) cookies.push((await loginAs(api, 'many@example.org')).cookie!);
		const { session, viewer } = signedIn(cookies[0]!);
		const users = services.users;

		const listed = users.sessions(viewer, session);
		expect(listed).toHaveLength(4);
		expect(listed.filter((s) => s.current)).toHaveLength(1);
		for (const s of listed) {
			expect(s.id).toMatch(/^[0-9a-f]{16}$/);
			expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'id', 'ip', 'lastSeenAt', 'userAgent']);
		}
		expect(JSON.stringify(listed)).not.toContain(session.tokenHash);

		const [victim] = listed.filter((s) => !s.current);
		expect(users.endSession(viewer, session, victim!.id)).toEqual({ current: false });
		expect(users.sessions(viewer, session).map((s) => s.id)).not.toContain(victim!.id);
		expect(lastAudit('auth.session_ended')).toMatchObject({ target: 'many@example.org' });

		// Someone else's session is not found, and stays.
		const theirs = (await loginAs(api, 'someone@example.org')).cookie!;
		const their = signedIn(theirs);
		const theirId = users.sessions(their.viewer, their.session)[0]!.id;
		expect(() => users.endSession(viewer, session, theirId)).toThrow(
			expect.objectContaining({ code: 'not_found' })
		);
		expect(alive(theirs)).toBe(true);
		// And nobody acts on an account from a session that is not theirs.
		expect(() => users.sessions(their.viewer, session)).toThrow(
			expect.objectContaining({ code: 'forbidden' })
		);

		expect(users.endOtherSessions(viewer, session)).toBe(2);
		expect(users.sessions(viewer, session).map((s) => s.current)).toEqual([true]);
		expect(cookies.map(alive)).toEqual([true, false, false, false]);
		expect(JSON.parse(lastAudit('auth.sessions_ended')!.details!)).toEqual({ ended: 2 });
	});
});
