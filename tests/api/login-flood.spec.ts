import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../src/lib/server/api/app';
import { flushRefusals } from '../../src/lib/server/auth/audit';
import { createPasswordHasher, type PasswordHasher } from '../../src/lib/server/auth/password';
import { createUserService } from '../../src/lib/server/auth/service';
import { createServices } from '../../src/lib/server/services';
import { addUser, createTestContext, TEST_PASSWORD, TEST_SCRYPT } from './helpers';

/**
 * Issue #14: sign-in under attack (ASVS 2.2.1, 11.1.4). A flood of wrong sign-ins must neither
 * delay nor lock out the owner of an account signing in from the browser they used before (its
 * device cookie), and must not fill the audit log.
 *
 * Hashing is at the test cost, but the bound on concurrent hashing is the real one: the hasher
 * below counts the scrypt calls in flight, and can hold them, so that the test asserts who was
 * admitted and in which order rather than wall-clock times (those are in `npm run bench
 * login-flood`, at the production cost).
 */

const CONCURRENCY = 2;
const QUEUED = 8;
const OWNER = 'ana@example.org';
const OWNER_IP = '203.0.113.10';

/** The test hasher, wrapped: records the order hashes start in, and can hold them until released. */
function heldHasher() {
	const real = createPasswordHasher(TEST_SCRYPT);
	const started: string[] = [];
	const held: (() => void)[] = [];
	const state = { hold: false, inFlight: 0, maxInFlight: 0, finished: 0 };
	const track = async <T>(password: string, work: () => Promise<T>): Promise<T> => {
		started.push(password);
		state.inFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
		try {
			if (state.hold) await new Promise<void>((resolve) => held.push(resolve));
			return await work();
		} finally {
			state.inFlight--;
			state.finished++;
		}
	};
	const hasher: PasswordHasher = {
		...real,
		verify: (password, stored) => track(password, () => real.verify(password, stored)),
		verifyDummy: (password) => track(password, () => real.verifyDummy(password))
	};
	return {
		hasher,
		started,
		state,
		releaseOne: () => held.shift()?.(),
		releaseAll() {
			state.hold = false;
			for (const release of held.splice(0)) release();
		}
	};
}

let ctx: ReturnType<typeof createTestContext>;
let spy: ReturnType<typeof heldHasher>;
let api: ReturnType<typeof createApi>;
let users: ReturnType<typeof createUserService>;
/** The device cookie of the owner's browser, from a sign-in before the attack. */
let ownerDevice: string;

beforeAll(async () => {
	ctx = createTestContext();
	spy = heldHasher();
	const services = createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
	users = createUserService(
		{ ...services.deps, hasher: spy.hasher },
		{ loginLimits: { hashing: { concurrency: CONCURRENCY, queued: QUEUED, trustedQueued: QUEUED } } }
	);
	api = createApi({ db: ctx.db, config: ctx.config, services: { ...services, users } });
	await addUser(ctx.db, { email: OWNER, role: 'planner' });
	const first = await signIn(OWNER, TEST_PASSWORD, OWNER_IP);
	expect(first.status).toBe(200);
	ownerDevice = deviceOf(first)!;
	expect(ownerDevice).toMatch(/^v1\.\d+\.\d+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
});
afterAll(() => ctx.cleanup());
afterEach(async () => {
	// A failed assertion must not leave hashes held, or sign-ins running, for the next test.
	spy.releaseAll();
	await Promise.allSettled([...pending]);
	vi.useRealTimers();
});

/** Sign-ins not answered yet: drained after each test, so none lands in the next one's counters. */
const pending = new Set<Promise<Response>>();

function signIn(email: string, password: string, ip: string, device?: string): Promise<Response> {
	const request = api.request(
		'/api/auth/login',
		{
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				...(device ? { Cookie: `resiliencia_device=${device}` } : {})
			},
			body: JSON.stringify({ email, password })
		},
		{ clientAddress: ip }
	);
	const answered = Promise.resolve(request);
	pending.add(answered);
	void answered.finally(() => pending.delete(answered)).catch(() => {});
	return answered;
}

function deviceOf(res: Response): string | null {
	for (const cookie of res.headers.getSetCookie()) {
		const match = /^resiliencia_device=([^;]+);/.exec(cookie);
		if (match) return match[1]!;
	}
	return null;
}

/**
 * Waits until `ready()` holds: requests go through async middleware first, and a released hash
 * runs real scrypt on libuv's pool, so how long that takes depends on the machine's load. This
 * waits for a state, never asserts a duration; it gives up only long after any sane machine.
 */
async function until(ready: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (!ready()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 2));
	}
}

const auditCount = () => ctx.db.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
const lastAudit = (action: string) =>
	ctx.db.prepare('SELECT * FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1').get(action) as
		{ target: string | null; ip: string | null; details: string } | undefined;
const reset = () => ctx.db.prepare('DELETE FROM login_throttle').run();

describe('a flood of 40 concurrent wrong sign-ins', () => {
	it('answers the excess at once, and lets the owner’s browser through first', async () => {
		reset();
		spy.started.length = 0;
		spy.state.finished = 0;
		spy.state.hold = true;
		const answered: Response[] = [];
		// A botnet: every attempt from its own address, a quarter of them at the owner's account.
		const flood = Array.from({ length: 40 }, (_, i) =>
			signIn(i % 4 === 0 ? OWNER : `ghost${i}@example.org`, `guess ${i}`, `198.51.100.${i + 1}`).then(
				(res) => (answered.push(res), res)
			)
		);
		const admitted = CONCURRENCY + QUEUED;
		await until(() => answered.length === 40 - admitted, 'the excess to be answered');

		// Two hashes run, eight wait, thirty were answered 429 with Retry-After while no hash had
		// finished: nobody queued behind the flood's excess, nothing waited unbounded.
		expect(users.loginLoad()).toEqual({ running: CONCURRENCY, queued: { trusted: 0, untrusted: QUEUED } });
		expect(spy.started).toHaveLength(CONCURRENCY);
		expect(spy.state.finished).toBe(0);
		for (const res of answered) {
			expect(res.status).toBe(429);
			expect(res.headers.get('retry-after')).toBe('1');
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
		}

		// The owner signs in from the browser used before: queued ahead of the eight waiting.
		const owner = signIn(OWNER, TEST_PASSWORD, OWNER_IP, ownerDevice);
		await until(() => users.loginLoad().queued.trusted === 1, 'the owner to be queued');
		spy.releaseOne();
		await until(() => spy.started.length === CONCURRENCY + 1, 'the next hash to start');
		expect(spy.started.at(-1)).toBe(TEST_PASSWORD);

		spy.releaseAll();
		const ownerRes = await owner;
		expect(ownerRes.status).toBe(200);
		expect(deviceOf(ownerRes)).not.toBe(ownerDevice); // the device id rotates at every sign-in
		ownerDevice = deviceOf(ownerRes)!;
		const statuses = (await Promise.all(flood)).map((res) => res.status);
		expect(statuses.filter((s) => s === 401)).toHaveLength(admitted);
		expect(statuses.filter((s) => s === 429)).toHaveLength(40 - admitted);
		// The bound is real: never more scrypt computations at once than the gate allows.
		expect(spy.state.maxInFlight).toBe(CONCURRENCY);
	});

	it('without a device cookie, the owner waits behind the flood like anyone else', async () => {
		reset();
		spy.started.length = 0;
		spy.state.hold = true;
		const flood = Array.from({ length: 40 }, (_, i) =>
			signIn(`ghost${i}@example.org`, `guess ${i}`, `198.51.100.${i + 1}`)
		);
		await until(() => users.loginLoad().queued.untrusted === QUEUED, 'the queue to fill');
		const owner = await signIn(OWNER, TEST_PASSWORD, '192.0.2.200');
		expect(owner.status).toBe(429);
		spy.releaseAll();
		await Promise.all(flood);
	});
});

describe('a stranger guessing the owner’s password', () => {
	it('locks out untrusted clients, never the owner’s browser', async () => {
		reset();
		for (let i = 0; i < 10; i++) expect((await signIn(OWNER, `guess ${i}`, '192.0.2.66')).status).toBe(401);
		const locked = await signIn(OWNER, `guess 10`, '192.0.2.66');
		expect(locked.status).toBe(429);
		expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
		expect(lastAudit('auth.login_locked')).toMatchObject({ target: OWNER, ip: '192.0.2.66' });

		// The right password from a new browser is refused too: untrusted clients share the lock…
		expect((await signIn(OWNER, TEST_PASSWORD, '192.0.2.200')).status).toBe(429);
		// …and so is a forged or another account's device cookie.
		const forged = ownerDevice.slice(0, -2) + (ownerDevice.endsWith('AA') ? 'BB' : 'AA');
		expect((await signIn(OWNER, TEST_PASSWORD, OWNER_IP, forged)).status).toBe(429);
		await addUser(ctx.db, { email: 'other@example.org', role: 'planner' });
		const otherDevice = deviceOf(await signIn('other@example.org', TEST_PASSWORD, OWNER_IP))!;
		expect((await signIn(OWNER, TEST_PASSWORD, OWNER_IP, otherDevice)).status).toBe(429);

		// The owner's browser keeps its own allowance: a typo, then the right password.
		expect((await signIn(OWNER, 'typo', OWNER_IP, ownerDevice)).status).toBe(401);
		const owner = await signIn(OWNER, TEST_PASSWORD, OWNER_IP, ownerDevice);
		expect(owner.status).toBe(200);
		ownerDevice = deviceOf(owner)!;
		// Its success does not lift the strangers' lock.
		expect((await signIn(OWNER, TEST_PASSWORD, '192.0.2.66')).status).toBe(429);
	});

	it('locks a stolen device cookie after its own 10 failures, and only that one', async () => {
		reset();
		const stolen = ownerDevice;
		for (let i = 0; i < 10; i++)
			expect((await signIn(OWNER, `guess ${i}`, '192.0.2.67', stolen)).status).toBe(401);
		expect((await signIn(OWNER, TEST_PASSWORD, '192.0.2.67', stolen)).status).toBe(429);
		expect(lastAudit('auth.login_locked')).toMatchObject({ target: OWNER });
		// The account itself is not locked for anyone else; that browser is trusted from now on.
		const elsewhere = await signIn(OWNER, TEST_PASSWORD, '192.0.2.68');
		expect(elsewhere.status).toBe(200);
		ownerDevice = deviceOf(elsewhere)!;
	});
});

describe('password spraying from one address', () => {
	it('stops the address after 30 failures across accounts, but not the owner’s browser there', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		// Later than now: the owner's device cookie was issued at the real time.
		const t0 = Date.now() + 60 * 60_000;
		vi.setSystemTime(t0);
		// Ten a minute, under the address's rate limit: what stops it is the failure cap.
		for (let i = 0; i < 30; i++) {
			vi.setSystemTime(t0 + Math.floor(i / 10) * 61_000);
			expect((await signIn(`user${i}@example.org`, 'Verano2026!', '192.0.2.77')).status).toBe(401);
		}
		vi.setSystemTime(t0 + 4 * 61_000);
		const stopped = await signIn('user30@example.org', 'Verano2026!', '192.0.2.77');
		expect(stopped.status).toBe(429);
		expect(((await stopped.json()) as { error: { message: string } }).error.message).toMatch(/address/);
		expect(lastAudit('auth.login_locked')).toMatchObject({ target: null, ip: '192.0.2.77' });
		// An office behind the same address: a colleague's trusted browser still signs in.
		expect((await signIn(OWNER, TEST_PASSWORD, '192.0.2.77', ownerDevice)).status).toBe(200);
	});

	it('refuses more than 30 attempts a minute from one address', async () => {
		// One frozen instant: the 31 attempts fall in one minute however slow the machine is.
		vi.useFakeTimers({ toFake: ['Date'] });
		vi.setSystemTime(Date.now() + 90 * 60_000);
		const statuses: number[] = [];
		for (let i = 0; i < 31; i++)
			statuses.push((await signIn(`fast${i}@example.org`, 'x', '192.0.2.78')).status);
		expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
		expect(statuses[30]).toBe(429);
	});
});

describe('the audit log under a flood', () => {
	it('grows by a constant per window, not per attempt', async () => {
		vi.useFakeTimers({ toFake: ['Date'] });
		const t0 = Date.now() + 2 * 60 * 60_000;
		vi.setSystemTime(t0);
		reset();
		for (let i = 0; i < 10; i++) await signIn(OWNER, `guess ${i}`, `198.51.100.${i + 1}`);
		flushRefusals(ctx.db, t0, true);
		const before = auditCount();
		// 200 attempts at the locked account, each from its own address.
		const refused = await Promise.all(
			Array.from({ length: 200 }, (_, i) => signIn(OWNER, `guess ${i}`, `10.${i >> 8}.${i & 255}.9`))
		);
		expect(refused.every((res) => res.status === 429)).toBe(true);
		expect(auditCount() - before).toBe(1);
		expect(lastAudit('auth.login_throttled')).toMatchObject({ target: OWNER });

		// At the end of the window, one more entry carries the count of the rest.
		vi.setSystemTime(t0 + 61_000);
		flushRefusals(ctx.db);
		expect(auditCount() - before).toBe(2);
		expect(JSON.parse(lastAudit('auth.login_throttled')!.details)).toMatchObject({
			limit: 'account',
			count: 199
		});
	});
});
