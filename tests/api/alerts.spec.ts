import fs from 'node:fs';
import path from 'node:path';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MappingInput } from '../../src/lib/domain/import/mapping';
import { importReports } from '../../src/lib/server/import/importer';
import { parseMapping } from '../../src/lib/server/import/mappings';
import { seedDialogues } from '../../src/lib/server/dialogues/seed';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { addUser, createTestContext, jsonHeaders, loginAs } from './helpers';

/**
 * Early-warning alerts through the API (issue 16), on the six test municipalities
 * (tests/api/helpers.ts): homicides dated by day, 2019–2020, with a rise in June 2020 in Medellín
 * and Tumaco. The acceptance test recomputes the threat rule from the rollup table itself.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
const cookies: Record<string, string> = {};

const mapping = (id: string, category: string, coverage: MappingInput['coverage']) =>
	parseMapping(
		{
			id,
			source: id,
			attribution: `Fuente: ${id}`,
			category: { value: category },
			municipality: { code: 'cod' },
			date: { column: 'fecha', format: 'YYYY-MM-DD' },
			count: { column: 'n' },
			reference: { content: true },
			coverage
		},
		id
	);

/** Events a month per municipality, varying a little from month to month. */
const BASE: Record<string, number> = { '05001': 10, '05120': 2, '52835': 6, '52001': 3, '52356': 1 };
const JUNE_2020: Record<string, number> = { '05001': 26, '52835': 20 };
/** The last month of data: a rise in Pasto, for the feed (which lists the latest month). */
const DECEMBER_2020: Record<string, number> = { '52001': 12 };

function rows(): string[] {
	const out: string[] = [];
	for (let t = 0; t < 24; t++) {
		const year = 2019 + Math.floor(t / 12);
		const month = String((t % 12) + 1).padStart(2, '0');
		Object.entries(BASE).forEach(([code, base], i) => {
			const spikes: Record<string, Record<string, number>> = {
				'2020-06': JUNE_2020,
				'2020-12': DECEMBER_2020
			};
			const spike = spikes[`${year}-${month}`]?.[code];
			const k = spike ?? base + ((t * 3 + i) % 3) - 1;
			for (let e = 0; e < k; e++) {
				const day = String(1 + ((e * 7 + i) % 28)).padStart(2, '0');
				out.push(`${code},${year}-${month}-${day},1`);
			}
		});
	}
	return out;
}

async function load(m: ReturnType<typeof parseMapping>) {
	const file = path.join(ctx.dir, `${m.id}.csv`);
	fs.writeFileSync(file, ['cod,fecha,n', ...rows()].join('\n'));
	await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{ file, mapping: m }
	);
}

const get = async (url: string, who?: string) => {
	const res = await ctx.api.request(url, who ? { headers: { cookie: cookies[who]! } } : {});
	return { status: res.status, body: (await res.json()) as Json };
};

beforeAll(async () => {
	ctx = createTestContext();
	await load(
		mapping('t-homicide', 'homicide', { from: '2019-01', to: '2020-12', precision: 'day', absence: 'zero' })
	);
	// The same events as extortion, from a source that lost January 2020.
	await load(
		mapping('t-extortion', 'extortion', {
			from: '2019-01',
			to: '2020-12',
			precision: 'day',
			absence: 'zero',
			gaps: [{ from: '2020-01', to: '2020-01' }]
		})
	);
	seedDialogues(ctx.db);
	for (const [email, role, jurisdiction] of [
		['planner@example.org', 'planner', {}],
		['narino@example.org', 'provider', { departments: ['52'] }],
		['ipiales@example.org', 'provider', { municipalities: ['52356', '52835'] }]
	] as [string, 'planner' | 'provider', { departments?: string[]; municipalities?: string[] }][]) {
		await addUser(ctx.db, { email, role, jurisdiction });
		cookies[email.split('@')[0]!] = (await loginAs(ctx.api, email)).cookie!;
	}
});
afterAll(() => ctx.cleanup());

/**
 * The threat rule (ACLED: the month's count ≥ 2 × the mean of the 12 months before, that mean
 * ≥ 1) per department, straight from the rollup table: independent of the service and the index.
 */
function threatDepartments(category: string, month: string): string[] {
	const [y, m] = month.split('-').map(Number) as [number, number];
	const months = Array.from({ length: 13 }, (_, i) => {
		const d = new Date(Date.UTC(y, m - 1 - 12 + i, 1));
		return d.toISOString().slice(0, 7);
	});
	const rows = ctx.db
		.prepare(
			`SELECT substr(municipality_code, 1, 2) AS d, month, sum(count) AS n FROM report_rollup
			 WHERE category = ? AND month BETWEEN ? AND ? GROUP BY d, month`
		)
		.all(category, months[0], months[12]) as { d: string; month: string; n: number }[];
	const departments = ctx.db.prepare('SELECT code FROM departments ORDER BY code').pluck().all() as string[];
	return departments.filter((d) => {
		const series = months.map((mm) => rows.find((r) => r.d === d && r.month === mm)?.n ?? 0);
		const mean = series.slice(0, 12).reduce((a, b) => a + b, 0) / 12;
		return mean >= 1 && series[12]! >= 2 * mean;
	});
}

describe('GET /api/alerts', () => {
	it('lists exactly the departments the threat rule selects from the exact monthly counts', async () => {
		for (const month of ['2020-06', '2020-05', '2020-07']) {
			const { status, body } = await get(
				`/api/alerts?category=homicide&level=department&month=${month}`,
				'planner'
			);
			expect(status).toBe(200);
			const listed = body.alerts.filter((a: Json) => a.rule === 'threat').map((a: Json) => a.code);
			expect(listed.sort()).toEqual(threatDepartments('homicide', month));
		}
		// The data is built so that June 2020 selects Antioquia and Nariño, not San Andrés.
		expect(threatDepartments('homicide', '2020-06')).toEqual(['05', '52']);
		expect(threatDepartments('homicide', '2020-05')).toEqual([]);
	});

	it('gives each alert its rule, counts, baseline, threshold and series', async () => {
		const { body } = await get('/api/alerts?category=homicide&level=municipality&month=2020-06', 'planner');
		const threat = body.alerts.filter((a: Json) => a.rule === 'threat');
		expect(threat.map((a: Json) => a.code).sort()).toEqual(['05001', '52835']);
		const tumaco = threat.find((a: Json) => a.code === '52835');
		expect(tumaco).toMatchObject({
			category: 'homicide',
			month: '2020-06',
			current: 20,
			grain: 'month',
			name: 'San Andrés de Tumaco'
		});
		const before = tumaco.series.slice(0, 12).map((p: Json) => p.count);
		expect(tumaco.baseline).toBeCloseTo(before.reduce((a: number, b: number) => a + b, 0) / 12, 12);
		expect(tumaco.threshold).toBeCloseTo(2 * tumaco.baseline, 12);
		expect(tumaco.series.map((p: Json) => p.period)).toEqual(
			Array.from({ length: 13 }, (_, i) => new Date(Date.UTC(2019, 5 + i, 1)).toISOString().slice(0, 7))
		);
		expect(tumaco.key).toBe('homicide|municipality|52835|2020-06|threat');
		// Sources dated by day: the weekly rules ran too, on ISO weeks ending in June 2020.
		expect(body.weekly).toBe(true);
		const weekly = body.alerts.filter((a: Json) => a.grain === 'week');
		for (const a of weekly) {
			expect(['surge', 'change']).toContain(a.rule);
			expect(a.period).toMatch(/^2020-W(23|24|25|26|27)$/);
			expect(a.series).toHaveLength(5);
			expect(a.current).toBe(a.series[4].count);
		}
		expect(weekly.some((a: Json) => a.rule === 'surge' && a.code === '05001')).toBe(true);
	});

	it('runs no rule over a coverage gap', async () => {
		const { body } = await get('/api/alerts?category=extortion&level=department&month=2020-06', 'planner');
		// The same counts as homicides, but January 2020 is lost: no monthly rule may read it.
		expect(body.alerts.filter((a: Json) => a.grain === 'month')).toEqual([]);
		// A registry (absence is zero) covers all three departments: each left out.
		expect(body.gapped).toBe(3);
		const homicides = await get('/api/alerts?category=homicide&level=department&month=2020-06', 'planner');
		expect(homicides.body.gapped).toBe(0);
		expect(homicides.body.alerts.filter((a: Json) => a.grain === 'month').length).toBeGreaterThan(0);
		// The weeks of June 2020 read May and June only: the weekly rules still run.
		expect(body.alerts.filter((a: Json) => a.grain === 'week')).toEqual(
			homicides.body.alerts
				.filter((a: Json) => a.grain === 'week')
				.map((a: Json) => ({ ...a, category: 'extortion', key: a.key.replace('homicide', 'extortion') }))
		);
	});

	it('shows a Nariño provider only Nariño', async () => {
		const planner = await get('/api/alerts?category=homicide&level=municipality&month=2020-06', 'planner');
		const narino = await get('/api/alerts?category=homicide&level=municipality&month=2020-06', 'narino');
		expect(narino.status).toBe(200);
		expect(planner.body.alerts.some((a: Json) => !a.code.startsWith('52'))).toBe(true);
		expect(narino.body.alerts.length).toBeGreaterThan(0);
		expect(narino.body.alerts).toEqual(planner.body.alerts.filter((a: Json) => a.code.startsWith('52')));
		const departments = await get('/api/alerts?category=homicide&level=department&month=2020-06', 'narino');
		expect(departments.body.alerts.map((a: Json) => a.code)).toContain('52');
		expect(departments.body.alerts.every((a: Json) => a.code === '52')).toBe(true);
		expect(departments.body.partialDepartments).toBe(false);
	});

	it('lists no department to a provider holding only some of its municipalities, and says so', async () => {
		const { body } = await get('/api/alerts?category=homicide&level=department&month=2020-06', 'ipiales');
		expect(body.alerts).toEqual([]);
		expect(body.partialDepartments).toBe(true);
		const towns = await get('/api/alerts?category=homicide&level=municipality&month=2020-06', 'ipiales');
		expect(towns.body.alerts.map((a: Json) => a.code)).toContain('52835');
		expect(towns.body.alerts.every((a: Json) => ['52356', '52835'].includes(a.code))).toBe(true);
	});

	it('is for restricted roles only and validates its query', async () => {
		expect((await get('/api/alerts?category=homicide')).status).toBe(401);
		const bad = await get('/api/alerts?category=nope&level=region&month=2020-13', 'planner');
		expect(bad.status).toBe(400);
		expect(bad.body.error.message).toMatch(/category/);
		expect(bad.body.error.message).toMatch(/month/);
		// Without a month: the category's latest.
		const latest = await get('/api/alerts?category=homicide', 'planner');
		expect(latest.body.month).toBe('2020-12');
		expect(latest.body.level).toBe('municipality');
	});
});

const send = (
	method: string,
	url: string,
	who: string,
	body?: unknown,
	headers = jsonHeaders(cookies[who])
) => ctx.api.request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

const auditActions = (action: string) =>
	ctx.db
		.prepare('SELECT actor_email AS who, target FROM audit_log WHERE action = ? ORDER BY id')
		.all(action) as {
		who: string;
		target: string;
	}[];

describe('acknowledging an alert', () => {
	const tumaco = {
		category: 'homicide',
		level: 'municipality',
		code: '52835',
		month: '2020-06',
		period: '2020-06',
		rule: 'threat'
	};

	it('records who acknowledged which alert, once per person, and audits it', async () => {
		const first = await send('POST', '/api/alerts/ack', 'planner', { ...tumaco, note: 'Visto en comité' });
		expect(first.status).toBe(200);
		expect(await first.json()).toEqual({
			key: 'homicide|municipality|52835|2020-06|threat',
			acknowledgements: 1
		});
		// Again: the same acknowledgement, updated; another person adds one.
		await send('POST', '/api/alerts/ack', 'planner', tumaco);
		const second = await send('POST', '/api/alerts/ack', 'narino', tumaco);
		expect(((await second.json()) as Json).acknowledgements).toBe(2);
		const { body } = await get('/api/alerts?category=homicide&level=municipality&month=2020-06', 'planner');
		const alert = body.alerts.find((a: Json) => a.key === 'homicide|municipality|52835|2020-06|threat');
		expect(alert).toMatchObject({ acknowledgements: 2, acknowledgedByMe: true });
		const other = body.alerts.find((a: Json) => a.code === '05001' && a.rule === 'threat');
		expect(other).toMatchObject({ acknowledgements: 0, acknowledgedByMe: false });
		expect(auditActions('alerts.acknowledge').map((e) => e.who)).toEqual([
			'planner@example.org',
			'planner@example.org',
			'narino@example.org'
		]);
	});

	it('refuses an alert that is not one, one outside the jurisdiction, and a cross-site request', async () => {
		const none = await send('POST', '/api/alerts/ack', 'planner', {
			...tumaco,
			month: '2020-05',
			period: '2020-05'
		});
		expect(none.status).toBe(404);
		const outside = await send('POST', '/api/alerts/ack', 'narino', { ...tumaco, code: '05001' });
		expect(outside.status).toBe(404);
		const crossSite = await send('POST', '/api/alerts/ack', 'planner', tumaco, {
			...jsonHeaders(cookies['planner']),
			Origin: 'https://evil.example',
			'Sec-Fetch-Site': 'cross-site'
		});
		expect(crossSite.status).toBe(403);
		expect(((await crossSite.json()) as Json).error.code).toBe('csrf');
		expect((await send('POST', '/api/alerts/ack', 'planner', { ...tumaco, rule: 'nope' })).status).toBe(400);
	});
});

describe('CSV and the personal Atom feed', () => {
	it('downloads the list as CSV, audited', async () => {
		const res = await ctx.api.request('/api/alerts.csv?category=homicide&level=department&month=2020-06', {
			headers: { cookie: cookies['narino']! }
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/text\/csv/);
		const lines = (await res.text()).trim().split('\r\n');
		expect(lines[0]).toMatch(/^code,name,level,category,month,grain,period,rule/);
		const { body } = await get('/api/alerts?category=homicide&level=department&month=2020-06', 'narino');
		expect(lines).toHaveLength(body.alerts.length + 1);
		expect(lines.slice(1).every((l) => l.startsWith('52,Nariño,department,homicide,2020-06'))).toBe(true);
		expect(auditActions('alerts.export').at(-1)).toEqual({
			who: 'narino@example.org',
			target: 'alerts:homicide:department:2020-06'
		});
		expect((await ctx.api.request('/api/alerts.csv?category=homicide')).status).toBe(401);
	});

	it('serves a feed in its owner’s scope, as valid escaped Atom, until it is revoked', async () => {
		const made = await send('POST', '/api/alerts/feed-token', 'narino', {
			categories: ['homicide', 'extortion'],
			level: 'municipality'
		});
		expect(made.status).toBe(201);
		const { token } = (await made.json()) as { token: string };
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		// Only the hash is kept.
		const stored = ctx.db.prepare('SELECT token_hash FROM alert_feed_tokens').pluck().all() as string[];
		expect(stored).toHaveLength(1);
		expect(stored[0]).not.toContain(token);

		const res = await ctx.api.request(`/api/alerts/feed/${token}.atom`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/atom\+xml/);
		const atom = await res.text();
		const doc = new new Window().DOMParser().parseFromString(atom, 'application/xml');
		expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
		expect(doc.documentElement.namespaceURI).toBe('http://www.w3.org/2005/Atom');
		const ids = [...doc.getElementsByTagName('entry')].map(
			(e) => e.getElementsByTagName('id')[0]!.textContent
		);
		const latest = await get('/api/alerts?category=homicide&level=municipality', 'narino');
		const latestExtortion = await get('/api/alerts?category=extortion&level=municipality', 'narino');
		expect(ids).toContain('urn:resiliencia:alert:homicide|municipality|52001|2020-12|threat');
		expect(ids).toEqual(
			[...latest.body.alerts, ...latestExtortion.body.alerts].map(
				(a: Json) => `urn:resiliencia:alert:${a.key}`
			)
		);
		expect(atom).not.toContain('05001');
		// The token is not in the feed it opens.
		expect(atom).not.toContain(token);

		const status = await get('/api/alerts/feed-token', 'narino');
		expect(status.body).toMatchObject({
			active: true,
			categories: ['homicide', 'extortion'],
			level: 'municipality'
		});
		expect(status.body.lastUsedAt).not.toBeNull();

		expect((await send('DELETE', '/api/alerts/feed-token', 'narino')).status).toBe(200);
		expect((await ctx.api.request(`/api/alerts/feed/${token}.atom`)).status).toBe(404);
		expect((await get('/api/alerts/feed-token', 'narino')).body.active).toBe(false);
		expect(auditActions('alerts.feed_create').map((e) => e.who)).toEqual(['narino@example.org']);
		expect(auditActions('alerts.feed_revoke').map((e) => e.who)).toEqual(['narino@example.org']);
		expect((await ctx.api.request('/api/alerts/feed/not-a-token.atom')).status).toBe(404);
	});
});

describe('the loop: alert → commitment → outcome', () => {
	const tumaco = {
		category: 'homicide',
		level: 'municipality',
		code: '52835',
		month: '2020-06',
		period: '2020-06',
		rule: 'threat'
	};
	const list = async (who = 'planner') =>
		(await get('/api/alerts?category=homicide&level=municipality&month=2020-06', who)).body;

	it('answers an alert with a new commitment and with a dialogue’s, and counts the share answered and on time', async () => {
		const late = await send('POST', '/api/alerts/responses', 'planner', {
			...tumaco,
			institution: 'Policía Nacional',
			action: 'Patrullaje reforzado en la zona urbana',
			dueDate: '2020-07-31'
		});
		expect(late.status).toBe(201);
		const response = (await late.json()) as Json;
		expect(response).toMatchObject({
			institution: 'Policía Nacional',
			dueDate: '2020-07-31',
			status: 'overdue'
		});

		// A dialogue's commitment in Tumaco, linked to the same alert.
		const dialogue = ctx.db
			.prepare("SELECT id FROM dialogues WHERE municipality_code = '52835'")
			.pluck()
			.get();
		const made = await send('POST', `/api/dialogues/${dialogue}/commitments`, 'planner', {
			institution: 'Alcaldía',
			action: 'Mesa de seguridad mensual',
			dueDate: '2099-01-31'
		});
		const { id: commitmentId } = (await made.json()) as Json;
		expect((await send('POST', '/api/alerts/responses', 'narino', { ...tumaco, commitmentId })).status).toBe(
			403
		);
		const linked = await send('POST', '/api/alerts/responses', 'planner', { ...tumaco, commitmentId });
		expect(linked.status).toBe(201);
		const own = (await linked.json()) as Json;
		expect(own).toMatchObject({ commitmentId, institution: 'Alcaldía', status: 'open' });

		let body = await list();
		const alert = body.alerts.find((a: Json) => a.key === 'homicide|municipality|52835|2020-06|threat');
		expect(alert.responses.map((r: Json) => r.institution)).toEqual(['Policía Nacional', 'Alcaldía']);
		expect(body.summary).toEqual({ alerts: body.alerts.length, responded: 1, due: 1, onTime: 0 });

		// The commitment shows the alert it answers.
		const commitments = (await get('/api/commitments?municipality=52835', 'planner')).body.commitments;
		expect(commitments.find((c: Json) => c.id === commitmentId).alerts).toEqual([
			{
				key: 'homicide|municipality|52835|2020-06|threat',
				category: 'homicide',
				level: 'municipality',
				month: '2020-06'
			}
		]);

		// The same commitment twice is refused.
		expect((await send('POST', '/api/alerts/responses', 'planner', { ...tumaco, commitmentId })).status).toBe(
			409
		);

		// Done today: the late one stays late; the dialogue's is on time (and done on the dialogues page too).
		expect(
			(await send('PATCH', `/api/alerts/responses/${own.id}`, 'planner', { status: 'done' })).status
		).toBe(200);
		expect(
			(await send('PATCH', `/api/alerts/responses/${response.id}`, 'planner', { status: 'done' })).status
		).toBe(200);
		body = await list();
		expect(body.summary).toMatchObject({ responded: 1, due: 2, onTime: 1 });
		const status = ctx.db.prepare('SELECT status FROM commitments WHERE id = ?').pluck().get(commitmentId);
		expect(status).toBe('done');
		expect(auditActions('alerts.respond')).toHaveLength(2);

		expect(auditActions('alerts.response_status')).toHaveLength(2);

		// Done on the dialogues page: the alert's response is done on that day too.
		const other = (await (
			await send('POST', `/api/dialogues/${dialogue}/commitments`, 'planner', {
				institution: 'Personería',
				action: 'Visitas a las veredas',
				dueDate: '2099-06-30'
			})
		).json()) as Json;
		const answered = (await (
			await send('POST', '/api/alerts/responses', 'planner', { ...tumaco, commitmentId: other.id })
		).json()) as Json;
		expect((await send('PATCH', `/api/commitments/${other.id}`, 'planner', { status: 'done' })).status).toBe(
			200
		);
		const after = (await list()).alerts.find((a: Json) => a.key === alert.key);
		expect(after.responses.find((r: Json) => r.id === answered.id)).toMatchObject({
			status: 'done',
			doneOn: new Date().toISOString().slice(0, 10)
		});
		expect((await list()).summary).toMatchObject({ due: 3, onTime: 2 });

		// A Nariño provider sees the same answers on its alert; answers no alert outside.
		const narino = await list('narino');
		expect(narino.alerts.find((a: Json) => a.code === '52835' && a.rule === 'threat').responses).toHaveLength(
			3
		);
		const outside = await send('POST', '/api/alerts/responses', 'narino', {
			...tumaco,
			code: '05001',
			institution: 'Ejército',
			action: 'Operación'
		});
		expect([400, 404]).toContain(outside.status);
	});

	it('shows the outcome after the due date as a difference in differences against its department', async () => {
		const id = ctx.db
			.prepare("SELECT id FROM alert_responses WHERE due_date = '2020-07-31'")
			.pluck()
			.get() as number;
		const { status, body } = await get(`/api/alerts/responses/${id}/outcome`, 'planner');
		expect(status).toBe(200);
		expect(body.alert).toEqual({
			key: 'homicide|municipality|52835|2020-06|threat',
			category: 'homicide',
			level: 'municipality',
			month: '2020-06'
		});
		expect(body.before).toEqual({ from: '2019-07', to: '2020-06' });
		expect(body.after).toEqual({ from: '2020-08', to: '2020-12' });
		expect(body.comparisons.map((c: Json) => c.code).sort()).toEqual(['52001', '52356']);
		// Recomputed from the rollup: (after − before) of Tumaco minus the mean of Pasto's and Ipiales'.
		const monthly = (code: string, from: string, to: string) => {
			const rows = ctx.db
				.prepare(
					'SELECT month, count FROM report_rollup WHERE category = ? AND municipality_code = ? AND month BETWEEN ? AND ?'
				)
				.all('homicide', code, from, to) as { month: string; count: number }[];
			const months = new Set(rows.map((r) => r.month));
			const n =
				(Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
				Number(to.slice(5)) -
				Number(from.slice(5)) +
				1;
			expect(months.size).toBeLessThanOrEqual(n);
			return rows.reduce((a, r) => a + r.count, 0) / n;
		};
		const change = (code: string) =>
			monthly(code, '2020-08', '2020-12') - monthly(code, '2019-07', '2020-06');
		const expected = change('52835') - (change('52001') + change('52356')) / 2;
		expect(body.estimate).toBeCloseTo(expected, 9);
		expect(body.low).toBeLessThan(body.estimate);
		expect(body.high).toBeGreaterThan(body.estimate);
		expect(body.placeSeries).toHaveLength(12 + 5);
		// Tumaco (≈ 6 a month before) against Pasto (≈ 3) and Ipiales (≈ 1): comparisons at under half its level.
		expect(body.placeLevel).toBeCloseTo(monthly('52835', '2019-07', '2020-06'), 9);
		expect(body.comparisonLevel).toBeCloseTo(
			(monthly('52001', '2019-07', '2020-06') + monthly('52356', '2019-07', '2020-06')) / 2,
			9
		);
		expect(body.weakComparison).toBe(true);

		// Before the due date there is no outcome yet.
		const open = ctx.db
			.prepare('SELECT id FROM alert_responses WHERE commitment_id IS NOT NULL')
			.pluck()
			.get();
		expect((await get(`/api/alerts/responses/${open}/outcome`, 'planner')).status).toBe(404);
		// A provider holding only Tumaco and Ipiales has one comparison in its scope: too few.
		expect((await get(`/api/alerts/responses/${id}/outcome`, 'ipiales')).status).toBe(404);
		expect((await get(`/api/alerts/responses/${id}/outcome`)).status).toBe(401);
	});
});
