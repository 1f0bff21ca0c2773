import { cellToLatLng } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	EHSA_CATEGORIES,
	mannKendall,
	normalUpperTail,
	stepSeed
} from '../../src/lib/domain/emerging-hot-spots';
import { benjaminiHochberg } from '../../src/lib/domain/spatial-autocorrelation';
import { normaliseIndicators, priorityScores } from '../../src/lib/domain/priority-index';
import { importReports } from '../../src/lib/server/import/importer';
import { parseMapping } from '../../src/lib/server/import/mappings';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { seedDialogues } from '../../src/lib/server/dialogues/seed';
import { ServiceError } from '../../src/lib/server/errors';
import { createServices } from '../../src/lib/server/services';
import { commandLineViewer, PUBLIC_VIEWER } from '../../src/lib/server/viewer';
import { addUser, createTestContext, jsonHeaders, loginAs, TEST_SCRYPT } from './helpers';

/**
 * Setting priorities through the API, on the six test municipalities (tests/api/helpers.ts):
 * the inputs of the priority index, saved scenarios, and the providers' patrol cells.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
const cookies: Record<string, string> = {};

const LANDMINES = parseMapping(
	{
		id: 'test-minas',
		source: 'cnmh',
		attribution: 'Fuente: prueba',
		category: { value: 'landmines' },
		municipality: { code: 'cod' },
		date: { column: 'fecha', format: 'YYYY-MM-DD' },
		count: { column: 'victimas' },
		reference: { content: true },
		point: { lon: 'lon', lat: 'lat', precision: 'populated-centre' }
	},
	'test mapping'
);

// Tumaco (many, around two places), Pasto (some), Medellín (some): 2019–2020, one row a week.
const places = [
	{ code: '52835', lon: -78.7647, lat: 1.8067, every: 1 },
	{ code: '52835', lon: -78.62, lat: 1.63, every: 2 },
	{ code: '52001', lon: -77.28, lat: 1.21, every: 4 },
	{ code: '05001', lon: -75.5636, lat: 6.2518, every: 3 }
];
function rows(): string[] {
	const out: string[] = [];
	for (let week = 0; week < 100; week++) {
		const date = new Date(Date.UTC(2019, 0, 1 + week * 7)).toISOString().slice(0, 10);
		places.forEach((p, i) => {
			if (week % p.every === 0) out.push(`${p.code},${date},${(week + i) % 3},${p.lon},${p.lat}`);
		});
	}
	return out;
}

const get = async (url: string, who?: string) => {
	const res = await ctx.api.request(url, who ? { headers: { cookie: cookies[who]! } } : {});
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		body: (text.startsWith('{') ? JSON.parse(text) : text) as Json
	};
};

beforeAll(async () => {
	ctx = createTestContext();
	const file = `${ctx.dir}/minas.csv`;
	const { writeFileSync } = await import('node:fs');
	writeFileSync(file, ['cod,fecha,victimas,lon,lat', ...rows()].join('\n'));
	await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{ mapping: LANDMINES, file }
	);
	seedDialogues(ctx.db);
	for (const [email, role, jurisdiction] of [
		['planner@example.org', 'planner', {}],
		['narino@example.org', 'provider', { departments: ['52'] }],
		['ipiales@example.org', 'provider', { municipalities: ['52356'] }]
	] as [string, 'planner' | 'provider', { departments?: string[]; municipalities?: string[] }][]) {
		await addUser(ctx.db, { email, role, jurisdiction });
		cookies[email.split('@')[0]!] = (await loginAs(ctx.api, email)).cookie!;
	}
});
afterAll(() => ctx.cleanup());

describe('priority index inputs', () => {
	it('gives every municipality its indicators for the 12 months ending at `to`', async () => {
		const { status, body } = await get(
			'/api/analysis/priority-inputs?category=landmines&to=2020-12',
			'planner'
		);
		expect(status).toBe(200);
		expect(body.window).toEqual({ from: '2020-01', to: '2020-12' });
		expect(body.codes).toEqual(['05001', '05120', '52001', '52356', '52835', '88001']);
		expect(body.indicators.map((i: Json) => i.id)).toEqual([
			'rate:landmines',
			'trend',
			'low-trust',
			'low-safety',
			'no-dialogue',
			'overdue'
		]);
		const byId = Object.fromEntries(body.indicators.map((i: Json) => [i.id, i.values]));
		// The seeded 2021 dialogues (Cáceres, Tumaco) are outside this window: no dialogue anywhere.
		expect(byId['no-dialogue']).toEqual([1, 1, 1, 1, 1, 1]);
		// No survey panel in this database: the trust inputs are missing, not zero.
		expect(byId['low-trust']).toEqual([null, null, null, null, null, null]);
		expect(body.surveyWave).toBeNull();
		// The index runs on what there is: Tumaco, with the most mines per inhabitant, ranks first.
		const data = normaliseIndicators(body.indicators, body.codes.length);
		const { rank } = priorityScores(data, { 'rate:landmines': 1, trend: 0.5, 'no-dialogue': 0.5 });
		expect(rank[body.codes.indexOf('52835')]).toBe(1);
		// Cáceres has no reports in any source: "no dialogue" alone does not rank it.
		expect(rank[body.codes.indexOf('05120')]).toBe(0);
	});

	it('counts a dialogue of 2021 in a window that reaches 2021', async () => {
		const { body } = await get('/api/analysis/priority-inputs?category=landmines&to=2021-06', 'planner');
		const noDialogue = body.indicators.find((i: Json) => i.id === 'no-dialogue').values;
		expect(noDialogue[body.codes.indexOf('52835')]).toBe(0);
		expect(noDialogue[body.codes.indexOf('52001')]).toBe(1);
	});

	it('is for planners and admins only, and validates its query', async () => {
		expect((await get('/api/analysis/priority-inputs?category=landmines')).status).toBe(401);
		expect((await get('/api/analysis/priority-inputs?category=landmines', 'narino')).status).toBe(403);
		const bad = await get('/api/analysis/priority-inputs?category=landmines,nope&to=2020-13', 'planner');
		expect(bad.status).toBe(400);
		expect(bad.body.error.message).toMatch(/unknown category "nope"/);
		expect(bad.body.error.message).toMatch(/YYYY-MM/);
	});
});

describe('scenarios', () => {
	const scenario = {
		name: 'Minas y diálogo',
		settings: { categories: ['landmines'], weights: { 'rate:landmines': 2, 'no-dialogue': 1 }, to: '2020-12' }
	};
	const post = (body: unknown, who = 'planner') =>
		ctx.api.request('/api/analysis/scenarios', {
			method: 'POST',
			headers: jsonHeaders(cookies[who]),
			body: JSON.stringify(body)
		});

	it('saves a named scenario once, lists it, deletes it, and audits both', async () => {
		const created = await post(scenario);
		expect(created.status).toBe(201);
		const { id } = (await created.json()) as { id: number };
		expect((await post(scenario)).status).toBe(409);
		const list = await get('/api/analysis/scenarios', 'planner');
		expect(list.body.scenarios).toEqual([
			expect.objectContaining({
				id,
				name: 'Minas y diálogo',
				settings: scenario.settings,
				createdBy: 'planner@example.org'
			})
		]);
		const del = await ctx.api.request(`/api/analysis/scenarios/${id}`, {
			method: 'DELETE',
			headers: jsonHeaders(cookies.planner)
		});
		expect(del.status).toBe(200);
		expect((await get('/api/analysis/scenarios', 'planner')).body.scenarios).toEqual([]);
		const actions = ctx.db
			.prepare("SELECT action FROM audit_log WHERE action LIKE 'scenarios.%' ORDER BY id")
			.pluck()
			.all();
		expect(actions).toEqual(['scenarios.create', 'scenarios.delete']);
	});

	it('refuses weights out of range and providers', async () => {
		const bad = await post({ ...scenario, settings: { ...scenario.settings, weights: { trend: 99 } } });
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as Json).error.message).toMatch(/weights/);
		expect((await post(scenario, 'narino')).status).toBe(403);
	});
});

describe('patrol cells', () => {
	it('gives a provider scoped to Nariño cells in Nariño only, ranked by recency-weighted score', async () => {
		const { status, body } = await get('/api/analysis/patrol?category=landmines&resolution=7', 'narino');
		expect(status).toBe(200);
		expect(body.tooFew).toBe(false);
		expect(body.window.to).toBe('2020-11');
		expect(body.cells.length).toBe(3);
		for (const cell of body.cells) expect(cellToLatLng(cell.h3)[0]).toBeLessThan(2);
		const scores = body.cells.map((c: Json) => c.score);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		expect(body.cells[0]).toMatchObject({ reports: 100, mainCategories: [{ category: 'landmines' }] });
		expect(body.weekdays).toHaveLength(7);
		expect(body.hours).toBeNull();

		const planner = await get('/api/analysis/patrol?category=landmines&resolution=7', 'planner');
		expect(planner.body.cells.length).toBe(4);
	});

	it('weights recent reports more: a short half-life lowers old cells relative to new ones', async () => {
		const long = await get('/api/analysis/patrol?category=landmines&half_life_days=3650', 'narino');
		const short = await get('/api/analysis/patrol?category=landmines&half_life_days=30', 'narino');
		expect(short.body.cells[0].score).toBeLessThan(long.body.cells[0].score);
	});

	it('exports the cells as GeoJSON, audited, and refuses areas outside the jurisdiction', async () => {
		const res = await get('/api/analysis/patrol.geojson?category=landmines&area=52835', 'narino');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/geo\+json/);
		const geojson = res.body;
		expect(geojson.type).toBe('FeatureCollection');
		expect(geojson.features.length).toBe(2);
		expect(geojson.features[0].geometry.type).toBe('Polygon');
		expect(
			ctx.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'patrol.export'").pluck().get()
		).toBe(1);
		expect((await get('/api/analysis/patrol?category=landmines&area=05001', 'narino')).status).toBe(403);
		expect((await get('/api/analysis/patrol?category=landmines&area=05', 'narino')).status).toBe(403);
	});

	it('offers a provider the located issues, areas and frame of its jurisdiction only', async () => {
		const narino = await get('/api/analysis/patrol-options', 'narino');
		expect(narino.status).toBe(200);
		const pointsInNarino = ctx.db
			.prepare("SELECT count(*) FROM reports WHERE lon IS NOT NULL AND municipality_code LIKE '52%'")
			.pluck()
			.get();
		expect(narino.body.categories).toEqual([
			{ id: 'landmines', pointReports: pointsInNarino, to: '2020-11' }
		]);
		expect(narino.body.areas.map((a: Json) => a.code)).toEqual(['52', '52356', '52001', '52835']);
		expect(narino.body.bbox).toHaveLength(4);
		const ipiales = await get('/api/analysis/patrol-options', 'ipiales');
		expect(ipiales.body.categories).toEqual([]);
		expect(ipiales.body.areas).toEqual([{ code: '52356', name: 'Ipiales (Nariño)', kind: 'municipality' }]);
		const planner = await get('/api/analysis/patrol-options', 'planner');
		expect(planner.body.bbox).toBeNull();
		expect(planner.body.areas.every((a: Json) => a.kind === 'department')).toBe(true);
		expect((await get('/api/analysis/patrol-options')).status).toBe(401);
	});

	it('says when there are too few point reports instead of drawing noise', async () => {
		const { body } = await get('/api/analysis/patrol?category=landmines', 'ipiales');
		expect(body).toMatchObject({ pointReports: 0, tooFew: true, cells: [] });
	});
});

describe('local spatial statistics', () => {
	const query = 'category=landmines&from=2019-01&to=2019-12';

	it('answers every municipality: statistics where there is a rate, "no-data" elsewhere', async () => {
		for (const route of ['local-moran', 'getis-ord']) {
			const { status, body } = await get(`/api/analysis/${route}?${query}`, 'planner');
			expect(status).toBe(200);
			expect(body.values.map((v: Json) => v.code)).toEqual([
				'05001',
				'05120',
				'52001',
				'52356',
				'52835',
				'88001'
			]);
			const analysed = body.values.filter((v: Json) => v.cluster !== 'no-data');
			expect(body.analysed).toBe(analysed.length);
			expect(analysed.map((v: Json) => v.code)).toEqual(['05001', '52001', '52835']);
			for (const v of body.values.filter((v: Json) => v.cluster === 'no-data'))
				expect(v).toMatchObject({ value: null, statistic: null, z: null, p: null });
			expect(body).toMatchObject({ permutations: 999, seed: 2021, fdr: false, measure: 'rate' });
		}
	});

	it('computes on the rates and queen neighbours of the analysed municipalities only', async () => {
		const { body } = await get(`/api/analysis/local-moran?${query}`, 'planner');
		const byCode = new Map(body.values.map((v: Json) => [v.code, v]));
		// Pasto and Tumaco are neighbours; Medellín's only neighbour (Cáceres) has no data: an island here.
		const medellin = byCode.get('05001') as Json;
		expect(medellin).toMatchObject({ statistic: 0, z: null, p: null, cluster: 'no-neighbours' });
		const [pasto, tumaco] = [byCode.get('52001') as Json, byCode.get('52835') as Json];
		const x = [medellin.value, pasto.value, tumaco.value];
		const mean = (x[0] + x[1] + x[2]) / 3;
		const m2 = x.reduce((s: number, v: number) => s + (v - mean) ** 2, 0) / 3;
		expect(pasto.statistic).toBeCloseTo(((x[1] - mean) / m2) * (x[2] - mean), 12);
		expect(tumaco.statistic).toBeCloseTo(((x[2] - mean) / m2) * (x[1] - mean), 12);
	});

	it('is reproducible from its seed, and the FDR correction never lowers a p-value', async () => {
		const a = await get(`/api/analysis/getis-ord?${query}&seed=5&permutations=199`, 'planner');
		const b = await get(`/api/analysis/getis-ord?${query}&seed=5&permutations=199`, 'planner');
		const fdr = await get(`/api/analysis/getis-ord?${query}&seed=5&permutations=199&fdr=true`, 'planner');
		expect(a.body.values).toEqual(b.body.values);
		a.body.values.forEach((v: Json, i: number) => {
			if (v.p !== null) expect(fdr.body.values[i].p).toBeGreaterThanOrEqual(v.p);
		});
	});

	it('shows a provider its jurisdiction only, refuses the public, and names a bad parameter', async () => {
		const narino = await get(`/api/analysis/local-moran?${query}`, 'narino');
		expect(narino.body.values.map((v: Json) => v.code)).toEqual(['52001', '52356', '52835']);
		expect((await get(`/api/analysis/local-moran?${query}`)).status).toBe(401);
		for (const [bad, field] of [
			['measure=count', 'measure'],
			['permutations=5', 'permutations'],
			['from=2020-01&to=2019-01', 'from'],
			['fdr=maybe', 'fdr'],
			['to=2019-13', 'to']
		]) {
			const res = await get(`/api/analysis/getis-ord?category=landmines&${bad}`, 'planner');
			expect(res.status, bad).toBe(400);
			expect(JSON.stringify(res.body), bad).toContain(field);
		}
	});
});

describe('emerging hot spots', () => {
	const query = 'category=landmines&from=2019-01&to=2020-12&significance=permutation&permutations=199&seed=9';

	it('gives every municipality a pattern, its Gi* z series and its trend, per quarter', async () => {
		const { status, body } = await get(`/api/analysis/emerging-hot-spots?${query}`, 'planner');
		expect(status).toBe(200);
		expect(body).toMatchObject({
			step: 'quarter',
			significance: 'permutation',
			permutations: 199,
			seed: 9,
			fdr: true,
			analysed: 3
		});
		expect(body.steps).toHaveLength(8);
		expect(body.steps[0]).toEqual({ from: '2019-01', to: '2019-03' });
		expect(body.steps[7]).toEqual({ from: '2020-10', to: '2020-12' });
		expect(body.skippedSteps).toEqual([]);
		expect(body.categories).toEqual([...EHSA_CATEGORIES]);
		expect(body.values.map((v: Json) => v.code)).toEqual([
			'05001',
			'05120',
			'52001',
			'52356',
			'52835',
			'88001'
		]);
		for (const v of body.values) {
			if (['05001', '52001', '52835'].includes(v.code)) {
				expect(EHSA_CATEGORIES).toContain(v.category);
				expect(v.z).toHaveLength(8);
				expect(v.p).toHaveLength(8);
				const trend = mannKendall(v.z);
				expect(v.trend.tau).toBeCloseTo(trend.tau, 9);
				expect(v.trend.p).toBeCloseTo(trend.p, 9);
			} else {
				expect(v).toEqual({ code: v.code, category: 'no-data', z: [], p: [], trend: null });
			}
		}
	});

	it('is, step by step, the hot-spot map of that quarter with the FDR correction', async () => {
		const { body } = await get(`/api/analysis/emerging-hot-spots?${query}`, 'planner');
		for (const [t, step] of body.steps.entries()) {
			const gi = await get(
				`/api/analysis/getis-ord?category=landmines&from=${step.from}&to=${step.to}&permutations=199&seed=${stepSeed(9, t)}&fdr=true`,
				'planner'
			);
			for (const v of body.values.filter((v: Json) => v.category !== 'no-data')) {
				const g = gi.body.values.find((g: Json) => g.code === v.code);
				expect(v.z[t], `${v.code} ${step.from}`).toBeCloseTo(g.z, 6);
				expect(v.p[t], `${v.code} ${step.from}`).toBe(g.p);
			}
		}
	});

	it('by default takes each step’s p from the normal z, as ArcGIS does, FDR-corrected within the step', async () => {
		const { body } = await get(
			'/api/analysis/emerging-hot-spots?category=landmines&from=2019-01&to=2020-12',
			'planner'
		);
		expect(body.significance).toBe('normal');
		const analysed = body.values.filter((v: Json) => v.category !== 'no-data');
		// Medellín's only neighbour (Cáceres) has no data: an island, never significant, out of the count.
		const island = (v: Json) => v.code === '05001';
		body.steps.forEach((_: Json, t: number) => {
			const p = benjaminiHochberg(
				analysed.map((v: Json) => (island(v) ? NaN : 2 * normalUpperTail(Math.abs(v.z[t]))))
			);
			analysed.forEach((v: Json, i: number) =>
				island(v) ? expect(v.p[t]).toBeNull() : expect(v.p[t]).toBeCloseTo(p[i]!, 5)
			);
		});
	});

	it('widens to whole years, and by default ends with the last step the data complete', async () => {
		const years = await get(
			'/api/analysis/emerging-hot-spots?category=landmines&step=year&from=2016-05&to=2020-02',
			'planner'
		);
		expect(years.status).toBe(200);
		expect(years.body.window).toEqual({ from: '2016-01', to: '2020-12' });
		// The source starts in 2019: the years before are not covered, so they are not analysed.
		expect(years.body.steps).toEqual([
			{ from: '2019-01', to: '2019-12' },
			{ from: '2020-01', to: '2020-12' }
		]);
		expect(years.body.skippedSteps.map((s: Json) => s.from)).toEqual(['2016-01', '2017-01', '2018-01']);
		const byDefault = await get('/api/analysis/emerging-hot-spots?category=landmines', 'planner');
		expect(byDefault.status).toBe(200);
		// The last report is of November 2020: the last whole quarter is July–September.
		expect(byDefault.body.window.to).toBe('2020-09');
		expect(byDefault.body.window.from).toBe('2014-10');
	});

	it('shows a provider its jurisdiction only, refuses the public, and names a bad parameter', async () => {
		const narino = await get(`/api/analysis/emerging-hot-spots?${query}`, 'narino');
		expect(narino.status).toBe(200);
		expect(narino.body.values.map((v: Json) => v.code)).toEqual(['52001', '52356', '52835']);
		expect((await get(`/api/analysis/emerging-hot-spots?${query}`)).status).toBe(401);
		for (const [bad, field] of [
			['step=month', 'step'],
			['permutations=5', 'permutations'],
			['from=2020-01&to=2019-01', 'from'],
			['alpha=0.5', 'alpha']
		]) {
			const res = await get(`/api/analysis/emerging-hot-spots?category=landmines&${bad}`, 'planner');
			expect(res.status, bad).toBe(400);
			expect(JSON.stringify(res.body), bad).toContain(field);
		}
		const short = await get(
			'/api/analysis/emerging-hot-spots?category=landmines&from=2020-01&to=2020-06',
			'planner'
		);
		expect(short.status).toBe(400);
		expect(short.body.error.message).toContain('Between 4 and 120 steps');
	});
});

describe('the analysis service behind the API', () => {
	const analysis = () =>
		createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT }).analysis;

	it('opens a department to a provider holding part of it: its cells come from its own municipalities', async () => {
		const ipiales = await get('/api/analysis/patrol?category=landmines&area=52', 'ipiales');
		expect(ipiales.status).toBe(200);
		expect(ipiales.body).toMatchObject({ pointReports: 0, tooFew: true });
		const outside = await get('/api/analysis/patrol?category=landmines&area=05', 'ipiales');
		expect(outside.status).toBe(403);
		expect(outside.body.error).toEqual({
			code: 'outside_jurisdiction',
			message: 'Department 05 is outside your jurisdiction'
		});
	});

	it('answers 404 no_data for categories without reports', async () => {
		const { status, body } = await get('/api/analysis/patrol?category=homicide', 'planner');
		expect(status).toBe(404);
		expect(body.error.code).toBe('no_data');
	});

	it('saves a scenario from the command line, audited under cli:<user> with no user id', () => {
		const service = analysis();
		const viewer = commandLineViewer();
		const settings = { categories: ['landmines'], weights: { trend: 1 }, to: null };
		const before = ctx.db.prepare('SELECT max(id) FROM audit_log').pluck().get();
		const { id } = service.saveScenario(viewer, { name: 'Desde la consola', settings });
		expect(service.scenarios(viewer).scenarios).toEqual([
			expect.objectContaining({ id, name: 'Desde la consola', settings, createdBy: null })
		]);
		expect(service.deleteScenario(viewer, id)).toEqual({ deleted: id });
		const entries = ctx.db
			.prepare('SELECT actor_id AS id, actor_email AS email, action FROM audit_log WHERE id > ? ORDER BY id')
			.all(before);
		expect(entries).toEqual([
			{ id: null, email: viewer.actor!.email, action: 'scenarios.create' },
			{ id: null, email: viewer.actor!.email, action: 'scenarios.delete' }
		]);
		expect(viewer.actor!.email).toMatch(/^cli:/);
	});

	it('refuses the anonymous public even when called without the API', () => {
		const service = analysis();
		for (const call of [
			() => service.patrolOptions(PUBLIC_VIEWER),
			() => service.scenarios(PUBLIC_VIEWER),
			() => service.priorityInputs(PUBLIC_VIEWER, { category: ['landmines'] })
		]) {
			expect(call).toThrow(ServiceError);
			expect(call).toThrow(/Only/);
		}
	});
});
