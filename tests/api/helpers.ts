import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { TOTP, type Secret } from 'otpauth';
import { createApi } from '../../src/lib/server/api/app';
import { confirmEnrolment } from '../../src/lib/server/auth/mfa';
import { createPasswordHasher, type ScryptParams } from '../../src/lib/server/auth/password';
import { createSession } from '../../src/lib/server/auth/sessions';
import { newTotpSecret, saveUnconfirmedTotp, TOTP_SETTINGS } from '../../src/lib/server/auth/totp';
import { createUser, loadSessionUser } from '../../src/lib/server/auth/users';
import type { Jurisdiction, Role, UserView } from '../../src/lib/schemas/users';
import { loadConfig, type AppConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';

/** A temporary database and build folder, with a handful of real-looking municipalities. */
export function createTestContext(options: { scrypt?: ScryptParams | 'production' } = {}): {
	db: Database.Database;
	config: AppConfig;
	api: ReturnType<typeof createApi>;
	dir: string;
	cleanup: () => void;
} {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-api-'));
	const config = loadConfig({
		RESILIENCIA_DB: path.join(dir, 'test.db'),
		RESILIENCIA_BUILD_DIR: path.join(dir, 'build')
	});
	const db = openDatabase(config.databaseFile);
	seedBoundaries(db);
	return {
		db,
		config,
		// Password hashing at a test-only cost unless a test asks for production (see TEST_SCRYPT).
		api: createApi({
			db,
			config,
			testOnlyScrypt: options.scrypt === 'production' ? undefined : (options.scrypt ?? TEST_SCRYPT)
		}),
		dir,
		cleanup: () => {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

const departments = [
	['05', 'Antioquia', 6407102, 62804.7],
	['52', 'Nariño', 1335521, 33268.1],
	['88', 'Archipiélago de San Andrés, Providencia y Santa Catalina', 61280, 49.9]
] as const;

// code, name, department, population 2018, area km², lon, lat, island
const municipalities = [
	['05001', 'Medellín', '05', 2372330, 374.8, -75.5636, 6.2518, 0],
	['05120', 'Cáceres', '05', 37806, 1996.1, -75.35, 7.58, 0],
	['52835', 'San Andrés de Tumaco', '52', 138091, 3611.51, -78.6139, 1.6361, 0],
	['52001', 'Pasto', '52', 308095, 1128.4, -77.28, 1.21, 0],
	['52356', 'Ipiales', '52', 109116, 1644.3, -77.64, 0.83, 0],
	['88001', 'San Andrés', '88', 43758, 26.6, -81.7, 12.55, 1]
] as const;

// Symmetric pairs: Tumaco touches Pasto along an edge and Ipiales at a corner (fictitious but shaped like real data).
const neighbours = [
	['52835', '52001', 1],
	['52835', '52356', 0],
	['52001', '52356', 1],
	['05001', '05120', 1]
] as const;

export function seedBoundaries(db: Database.Database): void {
	const dept = db.prepare(
		`INSERT INTO departments (code, name, population_2018, area_km2, point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north)
		 VALUES (?, ?, ?, ?, 0, 0, -1, -1, 1, 1)`
	);
	const muni = db.prepare(
		`INSERT INTO municipalities (code, name, official_name, department_code, population_2018, households_2018, area_km2,
		   point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north, is_island)
		 VALUES (?, ?, upper(?), ?, ?, NULL, ?, ?, ?, ? - 0.2, ? - 0.2, ? + 0.2, ? + 0.2, ?)`
	);
	const near = db.prepare(
		'INSERT INTO municipality_neighbours (code, neighbour_code, shares_edge) VALUES (?, ?, ?)'
	);
	db.transaction(() => {
		for (const d of departments) dept.run(...d);
		for (const [code, name, dpto, pop, area, lon, lat, island] of municipalities) {
			muni.run(code, name, name, dpto, pop, area, lon, lat, lon, lat, lon, lat, island);
		}
		for (const [a, b, edge] of neighbours) {
			near.run(a, b, edge);
			near.run(b, a, edge);
		}
		db.prepare(`INSERT INTO dataset_meta (key, value) VALUES ('data.version', 'test-1')`).run();
	})();
}

export const FIXTURE_POPULATION = municipalities.reduce((sum, m) => sum + m[3], 0);

// --- Users and sessions (access-control issue) -----------------------------------------------

/**
 * scrypt at N = 2^10 instead of 2^17: ~1 ms instead of ~150 ms and 1 MiB instead of 128 MiB per
 * hash. Test-only, passed explicitly as `ApiDeps.testOnlyScrypt`; tests/api/access.spec.ts checks
 * the production cost.
 */
export const TEST_SCRYPT: ScryptParams = { logN: 10, r: 8, p: 1 };
export const TEST_PASSWORD = 'correct horse battery staple';

const testHasher = createPasswordHasher(TEST_SCRYPT);

/**
 * Creates a user directly in the database (as the command line would), at the test cost. An admin
 * also gets an authenticator, enrolled as a person would (a secret, confirmed with a code), since
 * admin routes refuse admins without one; `totp: false` leaves it out, `totp: true` adds one for
 * any role. `loginAs` then answers the second step with `totpCode`.
 */
export async function addUser(
	db: Database.Database,
	user: {
		email: string;
		role: Role;
		password?: string;
		jurisdiction?: Partial<Jurisdiction>;
		totp?: boolean;
	}
): Promise<UserView> {
	const created = await createUser(
		db,
		testHasher,
		{
			email: user.email,
			role: user.role,
			password: user.password ?? TEST_PASSWORD,
			jurisdiction: { departments: [], municipalities: [], ...user.jurisdiction }
		},
		{ actor: { id: null, email: 'test' }, ip: null }
	);
	if (user.totp ?? user.role === 'admin') enrolTotp(db, created.id);
	return created;
}

// --- Second factor ------------------------------------------------------------------------------

type Authenticator = { secret: Secret; lastStep: number; recoveryCodes: string[] };
/** The authenticator app of each test user, per database: its secret and the last step it showed. */
const authenticators = new WeakMap<Database.Database, Map<string, Authenticator>>();
const STEP_MS = TOTP_SETTINGS.period * 1000;

/**
 * Enrols an authenticator for a user through the same functions as the account page, and keeps
 * the secret and recovery codes for the test. It is confirmed with the code of the step before
 * now (the earliest the ±1 window accepts), leaving this step and the next for sign-ins.
 */
export function enrolTotp(db: Database.Database, userId: number): Authenticator {
	const user = loadSessionUser(db, userId)!;
	const secret = newTotpSecret();
	saveUnconfirmedTotp(db, userId, secret);
	const step = Math.floor(Date.now() / STEP_MS) - 1;
	const codes = confirmEnrolment(db, { user, ip: null, tokenHash: null }, codeAt(secret, step));
	if (!codes) throw new Error(`Could not enrol an authenticator for ${user.email}`);
	const app = { secret, lastStep: step, recoveryCodes: codes };
	let perDb = authenticators.get(db);
	if (!perDb) authenticators.set(db, (perDb = new Map()));
	perDb.set(user.email, app);
	return app;
}

export function authenticatorOf(db: Database.Database, email: string): Authenticator {
	const app = authenticators.get(db)?.get(email);
	if (!app) throw new Error(`${email} has no authenticator in this test database`);
	return app;
}

/** The code an authenticator app shows for a 30-second step. */
export function codeAt(secret: Secret, step: number): string {
	return new TOTP({ secret, algorithm: TOTP_SETTINGS.algorithm, digits: TOTP_SETTINGS.digits }).generate({
		timestamp: step * STEP_MS
	});
}

/**
 * A code the server has not seen yet: the next unused step within the ±1 window, waiting for the
 * clock when a test signs the same user in more than three times in 30 seconds.
 */
export async function totpCode(db: Database.Database, email: string): Promise<string> {
	const app = authenticatorOf(db, email);
	for (let waits = 0; ; waits++) {
		const now = Math.floor(Date.now() / STEP_MS);
		const step = Math.max(now - 1, app.lastStep + 1);
		if (step <= now + 1) {
			app.lastStep = step;
			return codeAt(app.secret, step);
		}
		// A faked clock (vi.useFakeTimers) never reaches the next step: say so rather than hang.
		if (waits > 0) throw new Error(`No unused TOTP step left for ${email} at ${new Date().toISOString()}`);
		await sleep(STEP_MS - (Date.now() % STEP_MS) + 50);
	}
}

/** The Cookie header of a fresh session for a user, without going through the login route. */
export function sessionCookieFor(db: Database.Database, userId: number): string {
	return `resiliencia_session=${createSession(db, userId, { ip: null, userAgent: 'test' }).token}`;
}

type Api = ReturnType<typeof createApi>;

/**
 * Logs in through `POST /api/auth/login`; returns the response and the Cookie header to send next.
 * For a user with an authenticator (`addUser`), pass the test context (`{ api, db }`): the second
 * step is answered with a fresh code, and its response returned.
 */
export async function loginAs(
	target: Api | { api: Api; db: Database.Database },
	email: string,
	password = TEST_PASSWORD
): Promise<{ res: Response; cookie: string | null }> {
	const { api, db } = 'request' in target ? { api: target, db: null } : target;
	const post = (path: string, body: unknown) =>
		api.request(path, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(body)
		});
	let res = await post('/api/auth/login', { email, password });
	if (res.status === 202) {
		if (!db) throw new Error(`${email} has a second factor: pass the test context ({ api, db }) to loginAs`);
		const { challenge } = (await res.json()) as { challenge: string };
		res = await post('/api/auth/login/second-factor', { challenge, code: await totpCode(db, email) });
	}
	const set = res.headers.get('set-cookie');
	return { res, cookie: set ? set.split(';')[0]! : null };
}

/** Headers a same-origin browser would send with a JSON write. */
export function jsonHeaders(cookie?: string | null): Record<string, string> {
	return {
		'Content-Type': 'application/json',
		Origin: 'http://localhost',
		'Sec-Fetch-Site': 'same-origin',
		...(cookie ? { Cookie: cookie } : {})
	};
}
