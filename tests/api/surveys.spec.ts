import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoPanel } from '../../src/lib/domain/demo-panel';
import { ImportRejected } from '../../src/lib/server/import/importer';
import { importSurveyCsv, loadDemoPanel } from '../../src/lib/server/surveys/panel';
import { addUser, createTestContext, loginAs } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
const get = async (url: string, cookie?: string) => {
	const res = await ctx.api.request(url, cookie ? { headers: { cookie } } : {});
	return { status: res.status, body: (await res.json()) as Json };
};
const answers = () => (ctx.db.prepare('SELECT count(*) AS n FROM survey_answers').get() as { n: number }).n;

beforeAll(() => {
	ctx = createTestContext();
});
afterAll(() => ctx.cleanup());

describe('the demonstration panel', () => {
	it('is reproducible from its seed', () => {
		const params = {
			seed: 7,
			from: '2020-09',
			to: '2020-11',
			respondentsPerMunicipality: 5,
			municipalities: ['52835']
		};
		expect(generateDemoPanel(params)).toEqual(generateDemoPanel(params));
		expect(generateDemoPanel({ ...params, seed: 8 }).answers).not.toEqual(generateDemoPanel(params).answers);
	});

	it('loads once, monthly from 2020-09 to 2022-09, labelled as demonstration', async () => {
		expect(loadDemoPanel(ctx.db)).toBeGreaterThan(0);
		expect(loadDemoPanel(ctx.db)).toBe(0);
		const waves = await get('/api/surveys/waves');
		expect(waves.body).toEqual({ from: '2020-09', to: '2022-09', demo: true });
		for (const month of ['2020-09', '2021-06', '2022-09']) {
			const { body } = await get(`/api/surveys/municipalities?provider=police&month=${month}`);
			expect(body.demo).toBe(true);
			const tumaco = body.values.find((v: Json) => v.code === '52835');
			expect(tumaco.n).toBeGreaterThanOrEqual(10);
			expect(tumaco.interval.low).toBeLessThan(tumaco.interval.estimate);
			expect(tumaco.interval.estimate).toBeGreaterThanOrEqual(1);
			expect(tumaco.interval.estimate).toBeLessThanOrEqual(5);
		}
		// No route returns an answer: the series carries estimates only.
		const series = await get('/api/municipalities/52835/surveys');
		expect(series.body.series.map((s: Json) => s.target)).toEqual(
			expect.arrayContaining(['index', 'police', 'army', 'rural-safety'])
		);
		expect(series.body.series[0].points).toHaveLength(25);
		expect(JSON.stringify(series.body)).not.toMatch(/respondent|pseudonym|L0\d\d/);
	});
});

describe('importing answers', () => {
	const header = 'municipality,respondent,sector,sex,area,wave,question,value';

	it('rejects a trust value of 7 with its row and reason, and stores nothing', async () => {
		const before = answers();
		const file = path.join(ctx.dir, 'survey-bad.csv');
		fs.writeFileSync(
			file,
			[
				header,
				'52001,P001,youth,F,rural,2021-03,trust:police,4',
				'52001,P002,youth,M,urban,2021-03,trust:police,7'
			].join('\n')
		);
		const error = (await importSurveyCsv(ctx.db, file).catch((e: unknown) => e)) as ImportRejected;
		expect(error).toBeInstanceOf(ImportRejected);
		expect(error.problems).toEqual([
			{ row: 3, column: 'value', reason: '"7" is not on the 1–5 scale (or "ns")' }
		]);
		expect(answers()).toBe(before);
	});

	it('imports idempotently, and withholds estimates from fewer than 10 answers from the public', async () => {
		const rows = Array.from(
			{ length: 4 },
			(_, i) => `52001,P00${i},victims,F,rural,2021-03,trust:police,${(i % 5) + 1}`
		);
		const file = path.join(ctx.dir, 'survey.csv');
		fs.writeFileSync(
			file,
			[header, ...rows, '52001,P000,victims,F,rural,2021-03,urgent-issue,extortion'].join('\n')
		);
		expect(await importSurveyCsv(ctx.db, file)).toEqual({ rows: 5, answers: 5 });
		const after = answers();
		await importSurveyCsv(ctx.db, file);
		expect(answers()).toBe(after);

		const pasto = async (cookie?: string) =>
			(await get('/api/surveys/municipalities?provider=police&month=2021-03', cookie)).body.values.find(
				(v: Json) => v.code === '52001'
			);
		expect(await pasto()).toMatchObject({ n: null, interval: null, withheld: 'n<10' });
		await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		expect(await pasto(cookie!)).toMatchObject({ n: 4, reliable: false });
		expect((await pasto(cookie!)).interval.estimate).toBeCloseTo((1 + 2 + 3 + 4) / 4, 10);
	});
});

describe('participation', () => {
	it('reports non-response and attrition of the demonstration panel', async () => {
		const { body } = await get('/api/surveys/municipalities?provider=police&month=2022-09');
		const tumaco = body.values.find((v: Json) => v.code === '52835');
		// 50 leaders: some skip a wave, some have left; all counts stay within the panel.
		expect(tumaco.panel).toBe(50);
		expect(tumaco.nonResponse).toBeGreaterThan(0);
		expect(tumaco.attrition).toBeGreaterThan(0);
		expect(tumaco.attrition).toBeLessThanOrEqual(tumaco.nonResponse);
		expect(tumaco.n + tumaco.nonResponse).toBeLessThanOrEqual(50);
	});
});

describe('the answers export', () => {
	it('is for admins only, audited, and neutralises formulas', async () => {
		expect((await ctx.api.request('/api/surveys/export')).status).toBe(401);
		const planner = (await loginAs(ctx.api, 'planner@example.org')).cookie!;
		expect((await ctx.api.request('/api/surveys/export', { headers: { cookie: planner } })).status).toBe(403);
		await addUser(ctx.db, { email: 'admin@example.org', role: 'admin' });
		const admin = (await loginAs(ctx, 'admin@example.org')).cookie!;
		const res = await ctx.api.request('/api/surveys/export', { headers: { cookie: admin } });
		expect(res.status).toBe(200);
		const lines = (await res.text()).trim().split('\r\n');
		expect(lines[0]).toBe(
			'municipality,respondent,sector,sex,area,wave,questionnaire_version,question,value,demo'
		);
		expect(lines.length).toBe(answers() + 1);
		const audited = ctx.db
			.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'surveys.export'")
			.get();
		expect(audited).toEqual({ n: 1 });
	});
});

describe('the survey upload', () => {
	it('imports a survey file through the upload job for planners', async () => {
		const cookie = (await loginAs(ctx.api, 'planner@example.org')).cookie!;
		const csv = [
			'municipality,respondent,sector,sex,area,wave,question,value',
			'52001,U001,youth,F,rural,2021-04,rural-safety,2'
		];
		const res = await ctx.api.request('/api/imports?mapping=survey&fileName=s.csv', {
			method: 'POST',
			headers: { cookie, origin: 'http://localhost' },
			body: csv.join('\n')
		});
		expect(res.status).toBe(202);
		let job = ((await res.json()) as Json).job;
		for (let i = 0; i < 100 && (job.status === 'queued' || job.status === 'running'); i++) {
			await new Promise((r) => setTimeout(r, 20));
			job = (await get(`/api/imports/jobs/${job.id}`, cookie)).body.job;
		}
		expect(job.status).toBe('done');
		expect(job.result).toEqual({ table: 'survey', stored: 1, rowsRead: 1 });
	});
});

describe('wide survey files', () => {
	it('reads one column per question, naming the column of a bad answer', async () => {
		const header =
			'municipality,respondent,sector,sex,area,wave,trust:police,trust:army,rural-safety,urgent-issue';
		const bad = path.join(ctx.dir, 'wide-bad.csv');
		fs.writeFileSync(
			bad,
			[
				header,
				'52001,W001,youth,F,rural,2021-05,4,ns,2,extortion',
				'52001,W002,youth,M,urban,2021-05,3,9,2,theft'
			].join('\n')
		);
		const error = (await importSurveyCsv(ctx.db, bad).catch((e: unknown) => e)) as ImportRejected;
		expect(error.problems).toEqual([
			{ row: 3, column: 'trust:army', reason: '"9" is not on the 1–5 scale (or "ns")' },
			{ row: 3, column: 'urgent-issue', reason: '"theft" is not an issue category' }
		]);
		const good = path.join(ctx.dir, 'wide.csv');
		fs.writeFileSync(good, [header, '52001,W001,youth,F,rural,2021-05,4,ns,2,extortion'].join('\n'));
		expect(await importSurveyCsv(ctx.db, good)).toEqual({ rows: 1, answers: 4 });
		const index = await get('/api/surveys/municipalities?month=2021-05&measure=index');
		expect(index.body.provider).toBe('index');
	});
});
