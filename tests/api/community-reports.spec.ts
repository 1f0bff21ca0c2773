import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/lib/server/db/migrate';
import { migrations } from '../../src/lib/server/db/migrations/index';
import { bumpReportsVersion } from '../../src/lib/server/reports/version';
import { addUser, createTestContext, jsonHeaders, sessionCookieFor } from './helpers';

/**
 * Community reports and the reporter role (issue 18, part 2), through the API. The acceptance:
 * a reporter scoped to Tumaco (52835) records a recruitment report from a phone; it is not counted
 * until a planner verifies it; then it appears as a community report for Tumaco (restricted) and
 * in the next public release (protected); the reporter cannot see other municipalities' reports.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PHONE_UA =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

let ctx: ReturnType<typeof createTestContext>;
const ids: Record<string, number> = {};
const cookie = (who: string) => sessionCookieFor(ctx.db, ids[who]!);

async function call(who: string | null, path: string, init: { method?: string; body?: unknown } = {}) {
	const method = init.method ?? 'GET';
	const c = who ? cookie(who) : null;
	const res = await ctx.api.request(path, {
		method,
		headers:
			method === 'GET'
				? { ...(c ? { Cookie: c } : {}), 'User-Agent': PHONE_UA }
				: { ...jsonHeaders(c), 'User-Agent': PHONE_UA },
		body: init.body === undefined ? undefined : JSON.stringify(init.body)
	});
	return {
		status: res.status,
		body: (res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text()) as Json
	};
}

async function importCsv(who: string, csv: string) {
	const res = await ctx.api.request('/api/community-reports/import', {
		method: 'POST',
		headers: { ...jsonHeaders(cookie(who)), 'Content-Type': 'text/csv' },
		body: csv
	});
	return { status: res.status, body: (await res.json()) as Json };
}

const OFFICIAL_RECRUITMENT_TUMACO = 37;

/** Official CNMH-like recruitment reports in Tumaco (one batch), so that mixing would show. */
function seedOfficial(): void {
	const db = ctx.db;
	db.transaction(() => {
		const batch = Number(
			db
				.prepare(
					`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
						rows_duplicate, rows_rejected, categories, imported_at)
					 VALUES ('cnmh', 'test', 'test.csv', '-', 'Fuente: prueba', 2, 2, 0, 0, '["forced-recruitment"]', '2025-01-01T00:00:00Z')`
				)
				.run().lastInsertRowid
		);
		const insert = db.prepare(
			`INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month, date_precision, count)
			 VALUES (?, 'cnmh', ?, 'forced-recruitment', ?, ?, ?, 'month', ?)`
		);
		insert.run(batch, 'a', '52835', '2025-03', '2025-03', OFFICIAL_RECRUITMENT_TUMACO);
		insert.run(batch, 'b', '52001', '2025-03', '2025-03', 20);
		db.exec(`INSERT INTO report_rollup (category, month, municipality_code, count, reports)
			SELECT category, month, municipality_code, sum(count), count(*) FROM reports GROUP BY 1, 2, 3`);
		bumpReportsVersion(db);
	})();
}

beforeAll(async () => {
	ctx = createTestContext();
	ids.reporter = (
		await addUser(ctx.db, {
			email: 'enlace@example.org',
			role: 'reporter',
			jurisdiction: { municipalities: ['52835'] }
		})
	).id;
	ids.medellin = (
		await addUser(ctx.db, {
			email: 'medellin@example.org',
			role: 'reporter',
			jurisdiction: { municipalities: ['05001'] }
		})
	).id;
	ids.planner = (await addUser(ctx.db, { email: 'planeacion@example.org', role: 'planner' })).id;
	ids.planner2 = (await addUser(ctx.db, { email: 'planeacion2@example.org', role: 'planner' })).id;
	ids.provider = (
		await addUser(ctx.db, {
			email: 'policia@example.org',
			role: 'provider',
			jurisdiction: { departments: ['52'] }
		})
	).id;
	ids.antioquia = (
		await addUser(ctx.db, {
			email: 'ejercito@example.org',
			role: 'provider',
			jurisdiction: { departments: ['05'] }
		})
	).id;
	seedOfficial();
});
afterAll(() => ctx.cleanup());

const RECRUITMENT = {
	municipality: '52835',
	category: 'forced-recruitment',
	date: '2025-03',
	count: 3,
	source: 'dialogue',
	description: 'En el diálogo contaron que reclutan menores cerca del río.'
};

const officialTumaco = async (who: string | null) => {
	const { body } = await call(
		who,
		'/api/stats/municipalities?category=forced-recruitment&from=2025-01&to=2025-12'
	);
	return (body.values as Json[]).find((v) => v.code === '52835')?.count;
};

describe('a reporter scoped to Tumaco records a recruitment report', () => {
	let reportId = 0;

	it('is recorded from a phone as received, and counted nowhere yet', async () => {
		const officialBefore = await officialTumaco('planner');
		expect(officialBefore).toBe(OFFICIAL_RECRUITMENT_TUMACO);
		const { status, body } = await call('reporter', '/api/community-reports', {
			method: 'POST',
			body: RECRUITMENT
		});
		expect(status).toBe(201);
		expect(body).toMatchObject({
			state: 'received',
			count: 3,
			municipality: { code: '52835' },
			datePrecision: 'month',
			placeSensitive: true
		});
		expect(body.createdBy).toBe('enlace@example.org');
		expect(body.canReview).toBe(false);
		reportId = body.id;

		const figures = await call('planner', '/api/community-reports/figures');
		expect(figures.body.figures).toEqual([]);
		const published = await call(null, '/api/community-reports/public');
		expect(published.body.figures).toEqual([]);
	});

	it('may not be verified by the reporter, nor by a planner who recorded it', async () => {
		expect(
			(await call('reporter', `/api/community-reports/${reportId}/verify`, { method: 'POST' })).status
		).toBe(403);
		const own = await call('planner2', '/api/community-reports', {
			method: 'POST',
			body: { ...RECRUITMENT, count: 1, date: '2025-04-02' }
		});
		expect(own.status).toBe(201);
		const refused = await call('planner2', `/api/community-reports/${own.body.id}/verify`, {
			method: 'POST'
		});
		expect(refused.status).toBe(403);
		expect(refused.body.error.code).toBe('forbidden');
		expect((await call('planner2', `/api/community-reports/${own.body.id}`)).body.state).toBe('received');
	});

	it('counts once a planner verifies it, as a community figure of its own', async () => {
		const { status, body } = await call('planner', `/api/community-reports/${reportId}/verify`, {
			method: 'POST'
		});
		expect(status).toBe(200);
		expect(body.state).toBe('verified');
		expect(body.verifiedBy).toBe('planeacion@example.org');
		expect(Date.parse(body.verifiedAt)).toBeGreaterThan(Date.now() - 60_000);
		// A second verification is a conflict, not a second count.
		expect(
			(await call('planner2', `/api/community-reports/${reportId}/verify`, { method: 'POST' })).status
		).toBe(409);

		for (const who of ['planner', 'provider', 'reporter']) {
			const figures = await call(who, '/api/community-reports/figures?category=forced-recruitment');
			expect(figures.status, who).toBe(200);
			expect(figures.body.source.es).toBe('Reportes comunitarios');
			expect(figures.body.figures, who).toEqual([
				expect.objectContaining({
					municipality: { code: '52835', name: 'San Andrés de Tumaco' },
					count: 3,
					reports: 1
				})
			]);
		}
		// Never summed into the official figure, for any role.
		expect(await officialTumaco('planner')).toBe(OFFICIAL_RECRUITMENT_TUMACO);
		expect(await officialTumaco('provider')).toBe(OFFICIAL_RECRUITMENT_TUMACO);
		// A provider outside Nariño and a reporter outside Tumaco see none of it.
		expect((await call('antioquia', '/api/community-reports/figures')).body.figures).toEqual([]);
		expect((await call('medellin', '/api/community-reports/figures')).body.figures).toEqual([]);
	});

	it('reaches the public only through the release, per department and protected', async () => {
		const { body } = await call(null, '/api/community-reports/public?category=forced-recruitment');
		const figures = body.figures as Json[];
		expect(figures.length).toBeGreaterThan(0);
		expect(figures.every((f) => f.area.level !== 'municipality' && f.period.grain !== 'month')).toBe(true);
		// 3 reported: shown as the small range, never as 3.
		const nariño2025 = figures.find((f) => f.area.code === '52' && f.period.id === '2025');
		expect(nariño2025).toEqual(expect.objectContaining({ value: null, suppressed: '1–10' }));
		expect(JSON.stringify(body)).not.toContain('"value":3');

		const csv = await call(null, '/api/public/tables/sensitive.csv');
		const rows = String(csv.body)
			.split('\n')
			.filter((l) => l.includes('community:forced-recruitment'));
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((r) => !r.startsWith('municipality,'))).toBe(true);
		expect(rows).toContain('department,52,year,2025,community:forced-recruitment,,small');
		// The official category's published figures are the official count's, not the sum.
		const issues = await call(null, '/api/public/tables/sensitive.csv');
		const official = String(issues.body)
			.split('\n')
			.filter((l) => l.startsWith('department,52,year,2025,forced-recruitment,'));
		expect(official).toHaveLength(1);
		const published = Number(official[0]!.split(',')[5]);
		// 57 official reports in Nariño in 2025 (perturbed by at most 5), whatever the community says.
		expect(Math.abs(published - (OFFICIAL_RECRUITMENT_TUMACO + 20))).toBeLessThanOrEqual(5);
	});

	it('a larger verified count is published perturbed, still only per department', async () => {
		const big = await call('reporter', '/api/community-reports', {
			method: 'POST',
			body: { ...RECRUITMENT, count: 60, date: '2025-06-10', source: 'leader', description: '' }
		});
		expect(big.status).toBe(201);
		expect(
			(await call('planner', `/api/community-reports/${big.body.id}/verify`, { method: 'POST' })).status
		).toBe(200);
		const { body } = await call(null, '/api/community-reports/public?category=forced-recruitment');
		const year = (body.figures as Json[]).find((f) => f.area.code === '52' && f.period.id === '2025')!;
		expect(year.value).not.toBeNull();
		expect(Math.abs(year.value - 63)).toBeLessThanOrEqual(5);
		// Rejecting it takes it out of the counts again.
		const rejected = await call('planner', `/api/community-reports/${big.body.id}/reject`, {
			method: 'POST',
			body: { reason: 'Duplicado de un reporte del mismo diálogo' }
		});
		expect(rejected.body).toMatchObject({ state: 'rejected', rejectedBy: 'planeacion@example.org' });
		const figures = await call('planner', '/api/community-reports/figures?category=forced-recruitment');
		expect(figures.body.figures[0].count).toBe(3);
	});
});

describe('what a reporter may see and do', () => {
	it('cannot read, list or record reports of other municipalities', async () => {
		const list = await call('reporter', '/api/community-reports');
		expect(list.body.reports.length).toBeGreaterThan(0);
		expect(list.body.reports.every((r: Json) => r.municipality.code === '52835')).toBe(true);
		const id = list.body.reports[0].id;
		expect((await call('medellin', `/api/community-reports/${id}`)).status).toBe(404);
		expect((await call('medellin', '/api/community-reports')).body.reports).toEqual([]);
		expect((await call('medellin', '/api/community-reports?municipality=52835')).status).toBe(403);
		const elsewhere = await call('reporter', '/api/community-reports', {
			method: 'POST',
			body: { ...RECRUITMENT, municipality: '05001' }
		});
		expect(elsewhere.status).toBe(403);
		expect(elsewhere.body.error.code).toBe('outside_jurisdiction');
		expect(
			(
				await call('medellin', `/api/community-reports/${id}/reject`, {
					method: 'POST',
					body: { reason: 'no sé' }
				})
			).status
		).toBe(403);
		// Providers get figures, never the reports themselves (their descriptions).
		expect((await call('provider', '/api/community-reports')).status).toBe(403);
	});

	it('gets the public figures of official data, not exact ones', async () => {
		// A sensitive category: the public (and so a reporter) gets departments × years only.
		const municipalities = '/api/stats/municipalities?category=forced-recruitment&from=2025-01&to=2025-12';
		expect((await call('reporter', municipalities)).status).toBe((await call(null, municipalities)).status);
		expect((await call('provider', municipalities)).status).toBe(200);
		const path = '/api/stats/departments?category=forced-recruitment&from=2025-01&to=2025-12';
		const asPublic = await call(null, path);
		const asReporter = await call('reporter', path);
		expect(asReporter.status).toBe(200);
		expect(asReporter.body).toEqual(asPublic.body);
		expect(asReporter.body).not.toEqual((await call('planner', path)).body);
		expect(
			(
				await call(
					'reporter',
					'/api/reports/hexagons?category=homicide&resolution=7&west=-80&south=0&east=-76&north=3'
				)
			).status
		).toBe(403);
		expect((await call('reporter', '/api/commitments')).status).toBe(403);
	});
});

describe('validation, personal data and CSV import', () => {
	it('refuses a future date, a count outside 1..10000 and an unknown category', async () => {
		const future = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
		for (const bad of [
			{ date: future },
			{ count: 0 },
			{ count: 10_001 },
			{ category: 'gossip' },
			{ date: '2025-02-30' }
		]) {
			const { status, body } = await call('reporter', '/api/community-reports', {
				method: 'POST',
				body: { ...RECRUITMENT, ...bad }
			});
			expect(status, JSON.stringify(bad)).toBe(400);
			expect(body.error.code).toBe('invalid_request');
		}
	});

	it('flags names and phone numbers, and saves only once the person confirms', async () => {
		const body = { ...RECRUITMENT, description: 'Lo contó María Pérez; su número es 310 555 1234.' };
		const refused = await call('reporter', '/api/community-reports', { method: 'POST', body });
		expect(refused.status).toBe(422);
		expect(refused.body.error.code).toBe('personal_data');
		expect(refused.body.error.details.flags.map((f: Json) => f.kind).sort()).toEqual(['name', 'phone']);
		const check = await call('reporter', '/api/community-reports/check', {
			method: 'POST',
			body: { description: body.description }
		});
		expect(check.body.flags).toHaveLength(2);
		const saved = await call('reporter', '/api/community-reports', {
			method: 'POST',
			body: { ...body, confirmPersonal: true }
		});
		expect(saved.status).toBe(201);
		expect(saved.body.personalFlags).toEqual(['name', 'phone']);
		// The audit log keeps the facts, never the description.
		const entries = ctx.db
			.prepare("SELECT details FROM audit_log WHERE action LIKE 'community.%'")
			.pluck()
			.all() as string[];
		expect(entries.length).toBeGreaterThan(3);
		expect(entries.join('\n')).not.toContain('Pérez');
		expect(entries.join('\n')).not.toContain('555');
	});

	it('imports a CSV with the same validation, all or nothing', async () => {
		const count = () => ctx.db.prepare('SELECT count(*) FROM community_reports').pluck().get() as number;
		const before = count();
		const good = [
			'municipality;category;date;count;source;description',
			'52835;forced-recruitment;2025-05;2;community;Rumores de reclutamiento en la vereda',
			'52835;threats-to-leaders;2025;1;leader;'
		].join('\n');
		const bad = `${good}\n52835;forced-recruitment;2025-05;0;community;\n05001;homicide;2025-05;1;media;`;
		const refused = await importCsv('reporter', bad);
		expect(refused.status).toBe(422);
		expect(refused.body.error.details.problems).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ row: 4, field: 'count' }),
				expect.objectContaining({ row: 5, field: 'municipality', message: 'outside your jurisdiction' })
			])
		);
		expect(count()).toBe(before);
		const imported = await importCsv('reporter', good);
		expect(imported.status).toBe(201);
		expect(imported.body.imported).toBe(2);
		expect(count()).toBe(before + 2);
		const rows = ctx.db
			.prepare('SELECT state, date_precision AS p, month FROM community_reports ORDER BY id DESC LIMIT 2')
			.all();
		expect(rows).toEqual([
			{ state: 'received', p: 'year', month: '2025-01' },
			{ state: 'received', p: 'month', month: '2025-05' }
		]);
		const actions = ctx.db
			.prepare("SELECT action FROM audit_log WHERE action LIKE 'community.import%' ORDER BY id")
			.pluck()
			.all();
		expect(actions).toEqual(['community.import_rejected', 'community.import']);
	});
});

describe('migration 011', () => {
	it('rebuilds users with the reporter role, keeping ids, sessions, jurisdictions and foreign keys', () => {
		const db = new Database(':memory:');
		db.pragma('foreign_keys = ON');
		migrate(db, migrations.slice(0, 10));
		db.prepare(
			"INSERT INTO users (id, email, role, password_hash) VALUES (7, 'p@example.org', 'provider', 'h'), (9, 'a@example.org', 'admin', 'h')"
		).run();
		db.prepare("INSERT INTO user_jurisdiction (user_id, code) VALUES (7, '52'), (7, '05001')").run();
		db.prepare('INSERT INTO sessions VALUES (?, 7, 1, 1, 1, NULL, NULL)').run('a'.repeat(64));
		db.prepare("INSERT INTO user_totp (user_id, sealed_secret) VALUES (9, 's')").run();
		db.prepare(
			`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
				rows_duplicate, rows_rejected, imported_at, imported_by) VALUES ('s', 'm', 'f', '-', 'a', 0, 0, 0, 0, 'now', 9)`
		).run();
		expect(() =>
			db
				.prepare("INSERT INTO users (email, role, password_hash) VALUES ('r@example.org', 'reporter', 'h')")
				.run()
		).toThrow(/CHECK/);

		// 11 rebuilds users; the later ones (13, context layers) follow on the same run.
		expect(migrate(db)[0]).toBe(11);
		expect(db.prepare('SELECT id, email, role FROM users ORDER BY id').all()).toEqual([
			{ id: 7, email: 'p@example.org', role: 'provider' },
			{ id: 9, email: 'a@example.org', role: 'admin' }
		]);
		expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
		expect(db.prepare('SELECT code FROM user_jurisdiction ORDER BY code').pluck().all()).toEqual([
			'05001',
			'52'
		]);
		expect(db.prepare('SELECT imported_by FROM import_batches').pluck().get()).toBe(9);
		expect(db.prepare('SELECT count(*) FROM user_totp').pluck().get()).toBe(1);
		expect(db.pragma('foreign_key_check')).toEqual([]);
		expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
		expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%users_new%'").pluck().get()).toBe(
			0
		);

		db.prepare(
			"INSERT INTO users (email, role, password_hash) VALUES ('r@example.org', 'reporter', 'h')"
		).run();
		// The cascades still point at the new table.
		db.prepare('DELETE FROM users WHERE id = 7').run();
		expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
		expect(db.prepare('SELECT count(*) FROM user_jurisdiction').pluck().get()).toBe(0);
		db.close();
	});
});
