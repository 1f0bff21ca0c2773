import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../src/lib/server/api/app';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase, type DB } from '../../src/lib/server/db/connection';
import {
	buildFixtureRelease,
	fixtureSalt,
	fixtureMunicipalities,
	seedFixture
} from '../../src/lib/server/release/fixture';
import { GROUP_MEMBERS } from '../../src/lib/server/release/build';
import { releaseSalt } from '../../src/lib/server/release/record-keys';
import { createReleaseService } from '../../src/lib/server/release/service';
import { bumpReportsVersion } from '../../src/lib/server/reports/version';
import { createServices } from '../../src/lib/server/services';
import { addUser, loginAs, TEST_SCRYPT } from './helpers';

/**
 * The public release (issue 19): its export is the auditor's format; every public answer is a
 * slice of it; and the differencing attacks that recovered small counts from separately protected
 * answers now recover nothing exact. Runs on the synthetic country of release/fixture.ts
 * (30 municipalities, 2023–2024, many small counts).
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SEED = 19;
const D = 5;

type Row = {
	level: string;
	code: string;
	grain: string;
	period: string;
	category: string;
	value: string;
	status: string;
};

function readCsv(file: string): Row[] {
	const [header, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
	expect(header).toBe('area_level,area_code,period_grain,period,category,value,status');
	return lines.map((line) => {
		const [level, code, grain, period, category, value, status] = line.split(',') as string[];
		return {
			level: level!,
			code: code!,
			grain: grain!,
			period: period!,
			category: category!,
			value: value!,
			status: status!
		};
	});
}

describe('the export for the auditor (fixture)', () => {
	let dir: string;
	let fixture: Awaited<ReturnType<typeof buildFixtureRelease>>;

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-release-'));
		fixture = await buildFixtureRelease(SEED, path.join(dir, 'a'));
	});
	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('writes the manifest the auditor reads', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'a', 'manifest.json'), 'utf8')) as Json;
		expect(Object.keys(manifest)).toEqual(['version', 'builtAt', 'method', 'rules', 'tables']);
		expect(manifest).toMatchObject({
			version: 1,
			method: 'cell-key',
			rules: {
				smallCell: { min: 1, max: 10 },
				perturbation: { maxAbs: D },
				zeroPublished: true,
				nonSensitiveGroup: 'all-non-sensitive'
			}
		});
		expect(manifest.rules.sensitiveCategories).toContain('sexual-violence');
		expect(manifest.tables.map((t: Json) => [t.id, t.file])).toEqual([
			['issues', 'issues.csv'],
			['sensitive', 'sensitive.csv'],
			['hectares', 'hectares.csv']
		]);
		expect(manifest.tables[0].dimensions).toEqual({
			area_level: ['municipality', 'department', 'nation'],
			period_grain: ['month', 'quarter', 'year'],
			category: ['homicide', 'extortion', 'landmines', 'all-non-sensitive']
		});
		expect(manifest.tables[1].dimensions).toMatchObject({
			area_level: ['department', 'nation'],
			period_grain: ['quarter', 'year']
		});
	});

	it('publishes zeros, hides 1–10, perturbs every other count within ±5 and never below 11', () => {
		let small = 0;
		let perturbed = 0;
		for (const table of ['issues', 'sensitive']) {
			for (const row of readCsv(path.join(dir, 'a', `${table}.csv`))) {
				const truth = fixture.truth.get(`${row.category}|${row.level}|${row.code}|${row.period}`);
				expect(truth, `${table} ${JSON.stringify(row)}`).toBeDefined();
				if (truth! >= 1 && truth! <= 10) {
					expect(row).toMatchObject({ value: '', status: 'small' });
					small++;
					continue;
				}
				expect(row.status).toBe('published');
				const value = Number(row.value);
				expect(Number.isInteger(value)).toBe(true);
				if (truth === 0) expect(value).toBe(0);
				else {
					expect(value).toBeGreaterThanOrEqual(11);
					expect(Math.abs(value - truth!)).toBeLessThanOrEqual(D);
					if (value !== truth) perturbed++;
				}
				if (table === 'sensitive') {
					expect(row.level).not.toBe('municipality');
					expect(row.grain).not.toBe('month');
				}
			}
		}
		expect(small).toBeGreaterThan(500);
		expect(perturbed).toBeGreaterThan(500);
	});

	it('publishes hectares exactly, and is the same release for the same seed', async () => {
		const rows = readCsv(path.join(dir, 'a', 'hectares.csv'));
		expect(rows.length).toBeGreaterThan(0);
		for (const row of rows) {
			expect(row.status).toBe('published');
			expect(Number(row.value)).toBeCloseTo(
				fixture.truth.get(`${row.category}|${row.level}|${row.code}|${row.period}`)!,
				3
			);
		}
		await buildFixtureRelease(SEED, path.join(dir, 'b'));
		await buildFixtureRelease(SEED + 1, path.join(dir, 'c'));
		const issues = (d: string) => fs.readFileSync(path.join(dir, d, 'issues.csv'), 'utf8');
		expect(issues('b')).toBe(issues('a'));
		expect(issues('c')).not.toBe(issues('a'));
	});
});

describe('public answers as slices of the release', () => {
	let work: string;
	let db: DB;
	let truth: Map<string, number>;
	let services: ReturnType<typeof createServices>;
	let api: ReturnType<typeof createApi>;
	let planner: string;
	const get = async (url: string, headers: Record<string, string> = {}) => {
		const res = await api.request(url, { headers });
		return { res, status: res.status, body: (await res.json()) as Json };
	};
	const year = (category: string) => `/api/stats/municipalities?category=${category}&from=2024-01&to=2024-12`;

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-release-api-'));
		const config = loadConfig({
			RESILIENCIA_DB: path.join(work, 'test.db'),
			RESILIENCIA_BUILD_DIR: path.join(work, 'build')
		});
		db = openDatabase(config.databaseFile);
		truth = seedFixture(db, SEED);
		// A fixed salt: the same noise on every run, so that the attacks' rates below are reproducible.
		releaseSalt(db, fixtureSalt(SEED));
		services = createServices({ db, config, testOnlyScrypt: TEST_SCRYPT });
		api = createApi({ db, config, services });
		await addUser(db, { email: 'planner@example.org', role: 'planner' });
		planner = (await loginAs(api, 'planner@example.org')).cookie!;
	});
	afterAll(() => {
		db.close();
		fs.rmSync(work, { recursive: true, force: true });
	});

	it('answers the figures per municipality and department, the total and the series from the release’s cells', async () => {
		const manifest = (await get('/api/public/release')).body;
		const release = services.release.current();
		expect(manifest.version).toBe(release.version);
		const cell = (category: string, level: string, code: string, period: string) => {
			const block = release.blocks.get(category)!;
			return block.values[
				block.areas.indexOf(level as 'municipality', code) * block.grid.size + block.grid.indexOf(period)
			];
		};
		const { body } = await get(year('homicide'));
		expect(body.release).toBe(release.version);
		for (const v of body.values as Json[]) {
			const c = cell('homicide', 'municipality', v.code, '2024');
			if (c === -3) expect(v).toMatchObject({ value: null, count: null });
			else if (c === -1) expect(v).toMatchObject({ value: null, count: null, suppressed: '1–10' });
			else expect(v).toMatchObject({ value: c, count: c });
		}
		expect(body.total).toBe(cell('homicide', 'nation', 'CO', '2024'));

		const departments = (await get('/api/stats/departments?category=sexual-violence&from=2024-04&to=2024-06'))
			.body;
		for (const v of departments.values as Json[]) {
			const c = cell('sexual-violence', 'department', v.code, '2024-Q2');
			expect(v.count).toBe(c! >= 0 ? c : null);
		}

		// The fixed group: all non-sensitive count categories together, its own cells.
		const group = (await get(year(GROUP_MEMBERS.join(',')))).body;
		const big = fixtureMunicipalities().find((m) => m.large)!.code;
		expect(group.values.find((v: Json) => v.code === big).count).toBe(
			cell('all-non-sensitive', 'municipality', big, '2024')
		);

		const rate = (await get(`${year('homicide')}&measure=rate`)).body;
		const medium = rate.values.find((v: Json) => v.code === big);
		expect(medium.value).toBeCloseTo(
			(cell('homicide', 'municipality', big, '2024')! / medium.population) * 100_000,
			9
		);

		const series = (
			await get(`/api/municipalities/${big}/timeseries?category=homicide&from=2024-01&to=2024-12`)
		).body;
		expect(series.series.map((p: Json) => p.count ?? -1)).toEqual(
			Array.from({ length: 12 }, (_, m) =>
				cell('homicide', 'municipality', big, `2024-${String(m + 1).padStart(2, '0')}`)
			)
		);
		const summary = (await get(`/api/municipalities/${big}/summary?from=2024-01&to=2024-12`)).body;
		expect(summary.categories.find((c: Json) => c.category === 'extortion').count).toBe(
			cell('extortion', 'municipality', big, '2024')
		);
		expect(summary.categories.map((c: Json) => c.category)).not.toContain('sexual-violence');
		// Without a period: the last whole year of the release (the fixture's data end in 2024-12),
		// not the whole extent, which is no period of the public grid.
		const unasked = await get(`/api/municipalities/${big}/summary`);
		expect(unasked.status).toBe(200);
		expect([unasked.body.from, unasked.body.to]).toEqual(['2024-01', '2024-12']);
		expect(unasked.body.categories).toEqual(summary.categories);

		const prevention = (await get(`/api/municipalities/${big}/prevention`)).body;
		expect(prevention.release).toBe(release.version);
		expect(prevention.figures.find((f: Json) => f.category === 'homicide')).toMatchObject({
			year: 2024,
			value: cell('homicide', 'municipality', big, '2024')
		});
	});

	it('keeps exact figures for a planner', async () => {
		const { body } = await get(year('homicide'), { cookie: planner });
		expect(body.release).toBeUndefined();
		for (const v of body.values as Json[]) {
			expect(v.count).toBe(truth.get(`homicide|municipality|${v.code}|2024`) ?? null);
		}
	});

	it('never reads the statistics index for the public', async () => {
		const stats = services.deps.stats;
		const spies = (['municipalities', 'departments', 'timeseries', 'summary', 'extent'] as const).map(
			(name) => vi.spyOn(stats, name)
		);
		const code = fixtureMunicipalities()[3]!.code;
		await get(`${year('extortion')}&measure=smoothed_rate&smoothing=local`);
		await get(`/api/municipalities/${code}/timeseries?category=landmines`);
		await get(`/api/municipalities/${code}/summary?from=2023-01&to=2023-12`);
		await get(`/api/municipalities/${code}/prevention`);
		await get('/api/surveys/municipalities?month=2024-01');
		for (const spy of spies) expect(spy).not.toHaveBeenCalled();
		for (const spy of spies) spy.mockRestore();
	});

	it('sends each public answer prepared: brotli or gzip, a strong ETag, 304 when unchanged, public for 5 minutes', async () => {
		const url = year('landmines');
		const plain = await get(url);
		const br = await api.request(url, { headers: { 'accept-encoding': 'br' } });
		expect(br.headers.get('content-encoding')).toBe('br');
		expect(br.headers.get('cache-control')).toBe('public, max-age=300');
		const etag = br.headers.get('etag')!;
		expect(etag).toMatch(/^"r\d+-[\w-]+"$/);
		expect(JSON.parse(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString())).toEqual(
			plain.body
		);
		const gz = await api.request(url, { headers: { 'accept-encoding': 'gzip' } });
		expect(gz.headers.get('content-encoding')).toBe('gzip');
		expect(JSON.parse(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString())).toEqual(plain.body);
		const again = await api.request(url, { headers: { 'if-none-match': etag } });
		expect(again.status).toBe(304);
		// A signed-in caller's answer is its own, never a cached public one.
		const own = await api.request(url, { headers: { cookie: planner } });
		expect(own.headers.get('etag')).toBeNull();
		expect(own.headers.get('cache-control')).toBe('private, no-store');
	});

	it('downloads each table as CSV and its data dictionary', async () => {
		const res = await api.request('/api/public/tables/sensitive.csv');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toContain('text/csv');
		const lines = (await res.text()).trimEnd().split('\n');
		expect(lines[0]).toBe('area_level,area_code,period_grain,period,category,value,status');
		expect(lines.slice(1).every((l) => !l.startsWith('municipality,'))).toBe(true);
		expect((await api.request('/api/public/tables/secret.csv')).status).toBe(400);
		const dictionary = (await get('/api/public/dictionary')).body;
		expect(dictionary.columns.map((c: Json) => c.name)).toEqual([
			'area_level',
			'area_code',
			'period_grain',
			'period',
			'category',
			'value',
			'status'
		]);
	});

	it('refuses what is not public with a clear 4xx naming what is', async () => {
		const sum = await get(year('homicide,landmines'));
		expect(sum.status).toBe(403);
		expect(sum.body.error.code).toBe('disclosure');
		expect(sum.body.error.message).toContain(
			'one category at a time, or every non-sensitive category together'
		);
		expect(
			(await get(year('homicide,sexual-violence').replace('municipalities', 'departments'))).status
		).toBe(403);
		expect((await get('/api/stats/municipalities?category=homicide&from=2024-02&to=2024-04')).status).toBe(
			403
		);
		expect((await get('/api/municipalities/05001/timeseries?category=homicide,extortion')).status).toBe(403);
		expect(
			(await get('/api/stats/municipalities?category=sexual-violence&from=2024-01&to=2024-12')).status
		).toBe(403);
	});

	it('follows a change of the data: the next answer comes from a new release', async () => {
		const before = (await get('/api/public/release')).body.version as number;
		db.prepare(
			"INSERT INTO booklets (municipality_code, problem, steps) VALUES (?, 'Extorsión', '[\"Denunciar\"]')"
		).run(fixtureMunicipalities()[0]!.code);
		const prevention = (await get(`/api/municipalities/${fixtureMunicipalities()[0]!.code}/prevention`)).body;
		expect(prevention.booklets).toEqual([{ problem: 'Extorsión', steps: ['Denunciar'], resources: null }]);
		expect(prevention.release).toBe(before + 1);
	});

	describe('differencing attacks recover nothing exact', () => {
		const codes = fixtureMunicipalities().map((m) => m.code);
		const t = (category: string, level: string, code: string, period: string) =>
			truth.get(`${category}|${level}|${code}|${period}`);

		/** Cells of the public answers for one category and period, per municipality and department. */
		async function published(category: string, period: [string, string]) {
			const q = `category=${category}&from=${period[0]}&to=${period[1]}`;
			const munis = (await get(`/api/stats/municipalities?${q}`)).body;
			const depts = (await get(`/api/stats/departments?${q}`)).body;
			return {
				municipality: new Map<string, Json>((munis.values as Json[]).map((v) => [v.code, v])),
				department: new Map<string, Json>((depts.values as Json[]).map((v) => [v.code, v])),
				nation: munis.total as number | null
			};
		}

		it('a department minus its published municipalities is not what they hide', async () => {
			let attempts = 0;
			let exact = 0;
			const periods: [string, [string, string]][] = [
				['2023', ['2023-01', '2023-12']],
				['2024', ['2024-01', '2024-12']],
				['2024-Q1', ['2024-01', '2024-03']],
				['2024-Q2', ['2024-04', '2024-06']],
				['2023-Q3', ['2023-07', '2023-09']],
				...Array.from({ length: 12 }, (_, m): [string, [string, string]] => {
					const id = `2024-${String(m + 1).padStart(2, '0')}`;
					return [id, [id, id]];
				})
			];
			for (const category of ['homicide', 'extortion', 'landmines']) {
				for (const [id, period] of periods) {
					const p = await published(category, period);
					for (const [dept, d] of p.department) {
						if (d.count === null) continue;
						const members = codes
							.filter((c) => c.startsWith(dept))
							.map((c) => [c, p.municipality.get(c)!] as const);
						const hidden = members.filter(([, v]) => v.suppressed);
						if (hidden.length === 0) continue;
						// The naive intruder: the department minus the published municipalities is what the
						// hidden ones hold (exactly so when each answer is protected on its own, unperturbed).
						const guess = d.count - members.reduce((s, [, v]) => s + (v.count ?? 0), 0);
						const held = hidden.reduce((s, [c]) => s + t(category, 'municipality', c, id)!, 0);
						attempts++;
						if (guess === held) exact++;
					}
				}
			}
			expect(attempts).toBeGreaterThan(50);
			// Chance level: the noise of up to eleven cells spreads the guess over many values.
			expect(exact / attempts).toBeLessThan(0.25);
		});

		it('a year minus its published quarters is not what they hide, nor do the months give the year back', async () => {
			let attempts = 0;
			let exact = 0;
			for (const category of ['homicide', 'extortion', 'landmines']) {
				for (const y of ['2023', '2024']) {
					const whole = (await published(category, [`${y}-01`, `${y}-12`])).municipality;
					const quarters = await Promise.all(
						[1, 2, 3, 4].map(async (q) => {
							const from = `${y}-${String(3 * q - 2).padStart(2, '0')}`;
							const to = `${y}-${String(3 * q).padStart(2, '0')}`;
							return (await published(category, [from, to])).municipality;
						})
					);
					for (const code of codes) {
						const year = whole.get(code)!;
						const parts = quarters.map((q) => q.get(code)!);
						if (year.count === null) {
							// A hidden year has only hidden or zero months and quarters: nothing to subtract.
							expect(parts.every((q) => q.count === 0 || q.suppressed || q.count === null)).toBe(true);
							continue;
						}
						const hidden = parts.map((q, i) => [q, i] as const).filter(([q]) => q.suppressed);
						if (hidden.length === 0) continue;
						const guess = year.count - parts.reduce((s, q) => s + (q.count ?? 0), 0);
						const held = hidden.reduce(
							(s, [, i]) => s + t(category, 'municipality', code, `${y}-Q${i + 1}`)!,
							0
						);
						attempts++;
						if (guess === held) exact++;
					}
				}
			}
			expect(attempts).toBeGreaterThan(10);
			expect(exact / attempts).toBeLessThan(0.34);
			// The months of a large municipality do not add up exactly to its year (each is its own cell).
			const big = fixtureMunicipalities()
				.filter((m) => m.large)
				.map((m) => m.code);
			const year = (await published('homicide', ['2024-01', '2024-12'])).municipality;
			let additive = 0;
			for (const code of big) {
				const months = (
					await get(`/api/municipalities/${code}/timeseries?category=homicide&from=2024-01&to=2024-12`)
				).body.series as Json[];
				if (months.reduce((s, m) => s + (m.count ?? 0), 0) === year.get(code)!.count) additive++;
			}
			expect(additive).toBeLessThan(big.length);
		});

		it('a set of categories minus one is refused, not answered', async () => {
			expect((await get(year('homicide,landmines'))).status).toBe(403);
			expect((await get(year(GROUP_MEMBERS.filter((c) => c !== 'landmines').join(',')))).status).toBe(403);
		});

		it('smoothed rates, global and local, do not move with a hidden count', async () => {
			// A municipality whose 2024 homicides are hidden (1–10) and stay hidden with one more.
			const code = codes.find((c) => {
				const v = t('homicide', 'municipality', c, '2024');
				const m = t('homicide', 'municipality', c, '2024-06');
				return v !== undefined && v >= 1 && v <= 8 && m === 0;
			})!;
			expect(code).toBeDefined();
			const smoothed = async (s: string) =>
				(await get(`${year('homicide')}&measure=smoothed_rate&smoothing=${s}`)).body.values as Json[];
			const [global, local] = [await smoothed('global'), await smoothed('local')];
			const batch = Number(
				db
					.prepare(
						`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
							rows_duplicate, rows_rejected, categories, imported_at) VALUES ('synthetic', 'synthetic', 'one.csv', '-',
							'Datos sintéticos', 1, 1, 0, 0, '["homicide"]', '2025-01-02T00:00:00Z')`
					)
					.run().lastInsertRowid
			);
			db.prepare(
				`INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month, date_precision, count)
				 VALUES (?, 'synthetic', 'one-more', 'homicide', ?, '2024-06', '2024-06', 'month', 1)`
			).run(batch, code);
			bumpReportsVersion(db);
			const after = (await get(year('homicide'))).body;
			expect(after.values.find((v: Json) => v.code === code).suppressed).toBe('1–10');
			expect(await smoothed('global')).toEqual(global);
			expect(await smoothed('local')).toEqual(local);
		});
	});
});

describe('the leaders’ panel for the public', () => {
	let work: string;
	let db: DB;
	let api: ReturnType<typeof createApi>;

	beforeAll(() => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-release-surveys-'));
		const config = loadConfig({
			RESILIENCIA_DB: path.join(work, 'test.db'),
			RESILIENCIA_BUILD_DIR: path.join(work, 'build')
		});
		db = openDatabase(config.databaseFile);
		seedFixture(db, SEED);
		api = createApi({ db, config, testOnlyScrypt: TEST_SCRYPT });
		const [big, small] = [fixtureMunicipalities()[0]!.code, fixtureMunicipalities()[1]!.code];
		const respondent = db.prepare(
			"INSERT INTO survey_respondents (municipality_code, pseudonym, sector, sex, area) VALUES (?, ?, 'youth', 'F', 'rural') RETURNING id"
		);
		const answer = db.prepare(
			"INSERT INTO survey_answers (respondent_id, wave, questionnaire_version, question, value) VALUES (?, ?, 1, 'trust:police', ?)"
		);
		// 12 leaders in one municipality (9 answered both waves), 5 in another of the same department.
		for (let i = 0; i < 12; i++) {
			const { id } = respondent.get(big, `B${i}`) as { id: number };
			answer.run(id, '2024-02', 1 + (i % 5));
			if (i < 9) answer.run(id, '2024-01', 1 + ((i + 1) % 5));
		}
		for (let i = 0; i < 5; i++) {
			const { id } = respondent.get(small, `S${i}`) as { id: number };
			answer.run(id, '2024-02', 5);
		}
	});
	afterAll(() => {
		db.close();
		fs.rmSync(work, { recursive: true, force: true });
	});

	it('withholds under 10 answers, shows no change from 9 pairs, and shrinks towards published panels only', async () => {
		const answer = (await (
			await api.request('/api/surveys/municipalities?provider=police&month=2024-02')
		).json()) as Json;
		const [big, small] = [fixtureMunicipalities()[0]!.code, fixtureMunicipalities()[1]!.code];
		const b = answer.values.find((v: Json) => v.code === big);
		const s = answer.values.find((v: Json) => v.code === small);
		expect(s).toMatchObject({ n: null, interval: null, withheld: 'n<10' });
		expect(b.n).toBe(12);
		expect(b.change).toBeNull();
		// The department's only published panel is its own: the target is its own mean, not one
		// pulled towards the withheld panel's fives.
		expect(b.shrunk).toBeCloseTo(b.interval.estimate, 12);
		expect(answer.release).toBeGreaterThan(0);
		const series = (await (await api.request(`/api/municipalities/${small}/surveys`)).json()) as Json;
		expect(series.series[0].points.every((p: Json) => p.withheld === 'n<10')).toBe(true);
	});
});

describe('the release builder', () => {
	it('keeps serving the previous release when a build fails, and logs it', async () => {
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-release-fail-'));
		const db = openDatabase(path.join(work, 'test.db'));
		try {
			seedFixture(db, SEED);
			const log = vi.fn();
			const service = createReleaseService({ db, log });
			const first = await service.refresh();
			// The builder reads the panel's answers: without their table the next build fails.
			db.exec('DROP TABLE survey_answers');
			db.prepare("UPDATE dataset_meta SET value = value || '1' WHERE key = 'public_facts_version'").run();
			expect(service.current()).toBe(first);
			expect(log).toHaveBeenCalledTimes(1);
			expect(String(log.mock.calls[0]![0])).toContain(`still serving release ${first.version}`);
			// The same data are not rebuilt on every request.
			expect(service.current()).toBe(first);
			expect(log).toHaveBeenCalledTimes(1);
		} finally {
			db.close();
			fs.rmSync(work, { recursive: true, force: true });
		}
	});
});
