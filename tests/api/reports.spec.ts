import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/lib/server/import/mappings';
import { importReports, ImportRejected, type ImportOptions } from '../../src/lib/server/import/importer';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { deleteBatch } from '../../src/lib/server/reports/batches';
import { addUser, createTestContext, loginAs } from './helpers';

/**
 * The import pipeline and the statistics API on a temporary database with six municipalities
 * (tests/api/helpers.ts): Medellín 05001, Cáceres 05120, Tumaco 52835, Pasto 52001, Ipiales 52356,
 * San Andrés 88001.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;

const HOMICIDES = parseMapping(
	{
		id: 'test-homicidios',
		source: 'policia-nacional',
		attribution: 'Fuente: prueba',
		category: { value: 'homicide' },
		municipality: { code: 'cod_mpio', department: 'departamento', name: 'municipio' },
		date: { column: 'fecha', format: 'YYYY-MM-DD' },
		count: { column: 'cantidad' },
		reference: { content: true },
		attributes: { sex: 'genero' }
	},
	'test mapping'
);

const CODES = ['05001', '05120', '52835', '52001', '52356'];

/** `n` valid rows spread over the five mainland municipalities and 2019, deterministic. */
function homicideRows(n: number): string[] {
	return Array.from({ length: n }, (_, i) => {
		const month = String((i % 12) + 1).padStart(2, '0');
		const day = String((i % 28) + 1).padStart(2, '0');
		return `2019-${month}-${day},ANTIOQUIA,X,${CODES[i % CODES.length]},${i % 2 ? 'MASCULINO' : 'FEMENINO'},${(i % 3) + 1}`;
	});
}

const HEADER = 'fecha,departamento,municipio,cod_mpio,genero,cantidad';

function writeFile(name: string, content: string | Buffer): string {
	const file = path.join(ctx.dir, name);
	fs.writeFileSync(file, content);
	return file;
}

function run(options: Omit<ImportOptions, 'mapping'> & { mapping?: ImportOptions['mapping'] }) {
	return importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{ mapping: HOMICIDES, ...options }
	);
}

function totals() {
	return ctx.db
		.prepare(
			`SELECT (SELECT count(*) FROM reports) AS reports, (SELECT coalesce(sum(count), 0) FROM reports) AS victims,
				(SELECT coalesce(sum(count), 0) FROM report_rollup) AS rolled, (SELECT count(*) FROM import_batches) AS batches`
		)
		.get() as { reports: number; victims: number; rolled: number; batches: number };
}

async function getJson(url: string, cookie?: string): Promise<{ status: number; body: Json }> {
	const res = await ctx.api.request(url, cookie ? { headers: { cookie } } : {});
	return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(() => {
	ctx = createTestContext();
});
afterAll(() => ctx.cleanup());

describe('importing a file', () => {
	it('rejects a file with one bad row among 10,000 whole, naming the row and column, and stores nothing', async () => {
		const rows = homicideRows(10_000);
		rows[4_321] = '2019-02-30,ANTIOQUIA,X,05001,MASCULINO,1';
		const file = writeFile('one-bad.csv', [HEADER, ...rows].join('\n'));
		const before = totals();
		const error = await run({ file }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ImportRejected);
		const rejected = error as ImportRejected;
		expect(rejected.problemCount).toBe(1);
		// Line 1 is the header: data row 4,321 (0-based) is line 4,323 of the file.
		expect(rejected.problems[0]).toEqual({
			row: 4_323,
			column: 'fecha',
			reason: '2019-02-30 is not a real date'
		});
		expect(rejected.message).toContain('row 4323, column fecha');
		expect(totals()).toEqual(before);

		// With skipInvalid the 9,999 good rows load and the bad one is written out with its reason.
		const rejectsFile = path.join(ctx.dir, 'rejects.csv');
		const result = await run({ file, skipInvalid: true, rejectsFile });
		expect(result.rowsRead).toBe(10_000);
		expect(result.reportsInserted).toBe(9_999);
		expect(result.rowsRejected).toBe(1);
		const rejects = fs.readFileSync(rejectsFile, 'utf8').trim().split('\n');
		expect(rejects).toHaveLength(2);
		expect(rejects[1]).toBe(
			'4323,fecha,2019-02-30 is not a real date,2019-02-30,ANTIOQUIA,X,05001,MASCULINO,1'
		);
		const expectedVictims = rows.reduce(
			(sum, row, i) => (i === 4_321 ? sum : sum + Number(row.split(',')[5])),
			0
		);
		expect(totals()).toMatchObject({ reports: 9_999, victims: expectedVictims, rolled: expectedVictims });
		deleteBatch(ctx.db, result.batchId);
		expect(totals()).toMatchObject({ reports: 0, victims: 0, rolled: 0 });
	});

	it('adds nothing when the same file is imported twice, yet keeps identical rows of one file', async () => {
		// Two identical rows are two events (one victim each), not a duplicate.
		const lines = [
			HEADER,
			'2019-05-01,NARIÑO,Tumaco,52835,MASCULINO,1',
			'2019-05-01,NARIÑO,Tumaco,52835,MASCULINO,1'
		];
		const file = writeFile('twice.csv', lines.join('\n'));
		const first = await run({ file });
		expect(first.reportsInserted).toBe(2);
		const after = totals();
		const second = await run({ file });
		expect(second).toMatchObject({ reportsInserted: 0, reportsDuplicate: 2 });
		expect(totals()).toMatchObject({ reports: after.reports, victims: after.victims, rolled: after.rolled });
		deleteBatch(ctx.db, first.batchId);
		deleteBatch(ctx.db, second.batchId);
	});

	it('reads Latin-1, semicolons, quoted fields, gzip, 8-digit codes and names instead of codes', async () => {
		const csv = [
			'fecha;departamento;municipio;cod_mpio;genero;cantidad',
			'2019-01-05;"ANTIOQUIA";"MEDELLÍN (CT)";"05001000";"MASCULINO";2',
			'2019-01-06;"NARIÑO";"San Andrés de Tumaco";"";"FEMENINO";"1"',
			'2019-01-07;"ANTIOQUIA";"Cáceres";5120;"a; quoted ""field""";3'
		].join('\r\n');
		const file = writeFile('latin1.csv.gz', gzipSync(Buffer.from(csv, 'latin1')));
		const result = await run({ file });
		expect(result.reportsInserted).toBe(3);
		const rows = ctx.db
			.prepare(
				'SELECT municipality_code AS code, count, attributes FROM reports WHERE batch_id = ? ORDER BY date'
			)
			.all(result.batchId);
		expect(rows).toEqual([
			{ code: '05001', count: 2, attributes: '{"sex":"MASCULINO"}' },
			{ code: '52835', count: 1, attributes: '{"sex":"FEMENINO"}' },
			{ code: '05120', count: 3, attributes: '{"sex":"a; quoted \\"field\\""}' }
		]);
		deleteBatch(ctx.db, result.batchId);
	});

	it('names the missing column and the columns the file has', async () => {
		const file = writeFile('wrong-header.csv', 'date,code,n\n2019-01-01,05001,1\n');
		await expect(run({ file })).rejects.toThrow(
			/no column "cod_mpio", .*"fecha".*Its columns are: "date", "code", "n"/
		);
	});

	it('refuses unknown codes, hostile strings and oversized records with a clear reason', async () => {
		const hostile = `<script>alert(1)</script>${'x'.repeat(80)}`;
		const file = writeFile(
			'bad-values.csv',
			[
				HEADER,
				'2019-01-01,X,Y,99999,M,1',
				`2019-01-01,X,"${hostile}",,M,1`,
				'2019-01-01,X,Y,05001,M,-3'
			].join('\n')
		);
		const error = (await run({ file }).catch((e: unknown) => e)) as ImportRejected;
		expect(error).toBeInstanceOf(ImportRejected);
		expect(error.problems.map((p) => [p.row, p.column])).toEqual([
			[2, 'cod_mpio'],
			[3, 'municipio'],
			[4, 'cantidad']
		]);
		expect(error.problems[0]!.reason).toBe('"99999" is not the code of a municipality');
		// Echoed values are clipped: a message never carries a whole hostile field.
		expect(error.problems[1]!.reason.length).toBeLessThan(160);
		const huge = writeFile('huge.csv', `${HEADER}\n2019-01-01,X,"${'y'.repeat(300_000)}",05001,M,1\n`);
		const hugeError = (await run({ file: huge }).catch((e: unknown) => e)) as ImportRejected;
		expect(hugeError).toBeInstanceOf(ImportRejected);
		expect(hugeError.problems[0]!.row).toBe(2);
		expect(totals().reports).toBe(0);
	});

	it('reads wide files with per-column number formats (the coca census)', async () => {
		const mapping = parseMapping(
			{
				id: 'test-coca',
				source: 'simci',
				attribution: 'SIMCI',
				category: { value: 'illicit-crops' },
				municipality: { code: 'CODMPIO' },
				wide: { period: 'year', format: 'en', formatByColumn: { '2020': 'es' } },
				skipZero: true,
				reference: { columns: ['CODMPIO'] }
			},
			'coca'
		);
		const file = writeFile(
			'coca.csv',
			'"CODMPIO","MUNICIPIO","2019","2020","2021"\n"52835","TUMACO","7,943.2","19.333,9","- 0"\n"52001","PASTO","4.5","4.674",""\n'
		);
		const result = await run({ file, mapping });
		expect(result.reportsInserted).toBe(4);
		const rows = ctx.db
			.prepare(
				'SELECT municipality_code AS code, date, count FROM reports WHERE batch_id = ? ORDER BY code, date'
			)
			.all(result.batchId);
		expect(rows).toEqual([
			{ code: '52001', date: '2019', count: 4.5 },
			{ code: '52001', date: '2020', count: 4674 },
			{ code: '52835', date: '2019', count: 7943.2 },
			{ code: '52835', date: '2020', count: 19333.9 }
		]);
		deleteBatch(ctx.db, result.batchId);
	});
});

describe('the statistics API', () => {
	let batchId: number;
	const victimsIn = (rows: string[], code: string) =>
		rows.filter((r) => r.split(',')[3] === code).reduce((s, r) => s + Number(r.split(',')[5]), 0);
	const rows = homicideRows(600);

	beforeAll(async () => {
		batchId = (await run({ file: writeFile('stats.csv', [HEADER, ...rows].join('\n')) })).batchId;
		// One small count: two victims in Ipiales in 2020, for the disclosure checks.
		await run({
			file: writeFile('small.csv', [HEADER, '2020-03-01,NARIÑO,Ipiales,52356,M,2'].join('\n')),
			mapping: { ...HOMICIDES, id: 'test-small' }
		});
		ctx.db.prepare("INSERT INTO population VALUES ('05001', 2019, 2500000), ('52835', 2019, 250000)").run();
	});

	it('lists the categories with labels, colour and the sensitive flag', async () => {
		const { body } = await getJson('/api/categories');
		expect(body.categories).toHaveLength(17);
		expect(body.categories.find((c: Json) => c.id === 'sexual-violence')).toMatchObject({
			label: { es: 'Violencia sexual', en: 'Sexual violence' },
			sensitive: true
		});
		expect(body.categories.find((c: Json) => c.id === 'homicide').sensitive).toBe(false);
	});

	it('gives counts, rates with the population of the year, and smoothed rates', async () => {
		await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const count = await getJson(
			'/api/stats/municipalities?category=homicide&from=2019-01&to=2019-12',
			cookie!
		);
		expect(count.status).toBe(200);
		const byCode = new Map(count.body.values.map((v: Json) => [v.code, v]));
		expect((byCode.get('05001') as Json).count).toBe(victimsIn(rows, '05001'));
		expect(count.body.total).toBe(rows.reduce((s, r) => s + Number(r.split(',')[5]), 0));
		// San Andrés never appears in the source: no data, not zero.
		expect((byCode.get('88001') as Json).value).toBeNull();

		const rate = await getJson(
			'/api/stats/municipalities?category=homicide&from=2019-01&to=2019-12&measure=rate',
			cookie!
		);
		const medellin = rate.body.values.find((v: Json) => v.code === '05001');
		expect(medellin.population).toBe(2_500_000);
		expect(medellin.value).toBeCloseTo((victimsIn(rows, '05001') / 2_500_000) * 100_000, 6);
		// Cáceres has no 2019 estimate loaded: the 2018 census is the denominator.
		expect(rate.body.values.find((v: Json) => v.code === '05120').population).toBe(37806);

		const smoothed = await getJson(
			'/api/stats/municipalities?category=homicide&from=2019-01&to=2019-12&measure=smoothed_rate',
			cookie!
		);
		const crude = new Map(rate.body.values.map((v: Json) => [v.code, v.value]));
		const withData = rate.body.values.filter((v: Json) => v.value !== null);
		const min = Math.min(...withData.map((v: Json) => v.value));
		const max = Math.max(...withData.map((v: Json) => v.value));
		for (const v of smoothed.body.values.filter((x: Json) => x.value !== null)) {
			expect(v.value).toBeGreaterThanOrEqual(min - 1e-9);
			expect(v.value).toBeLessThanOrEqual(max + 1e-9);
			expect(crude.has(v.code)).toBe(true);
		}

		const series = await getJson(
			'/api/municipalities/05001/timeseries?category=homicide&from=2019-01&to=2019-12',
			cookie!
		);
		expect(series.body.series).toHaveLength(12);
		expect(series.body.series.reduce((s: number, p: Json) => s + p.count, 0)).toBe(victimsIn(rows, '05001'));
	});

	it('compares two periods', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const { body } = await getJson(
			'/api/stats/municipalities?category=homicide&from=2020-01&to=2020-12&compare_from=2019-01&compare_to=2019-12',
			cookie!
		);
		// The test mappings declare no coverage: homicides cover the months with data, 2019-01 to
		// 2020-03. So 2020 is partial (January–March), and the change compares the same months.
		expect(body.coverage).toMatchObject({
			covered: { from: '2020-01', to: '2020-03' },
			coveredMonths: 3,
			months: 12,
			partial: true,
			note: {
				es: 'Cubre enero–marzo de 2020 (3 de 12 meses)',
				en: 'Covers January–March 2020 (3 of 12 months)'
			}
		});
		expect(body.comparison).toEqual({
			from: '2020-01',
			to: '2020-03',
			previousFrom: '2019-01',
			previousTo: '2019-03'
		});
		const firstQuarter = rows.filter((r) => r.slice(0, 7) <= '2019-03');
		const ipiales = body.values.find((v: Json) => v.code === '52356');
		expect(ipiales.previous).toBe(victimsIn(firstQuarter, '52356'));
		expect(ipiales.previous).toBeLessThan(victimsIn(rows, '52356'));
		expect(ipiales.change).toBeCloseTo(((2 - ipiales.previous) / ipiales.previous) * 100, 6);
	});

	it('publishes to the public only whole periods, without small counts or sensitive municipal figures', async () => {
		const year = await getJson('/api/stats/municipalities?category=homicide&from=2020-01&to=2020-12');
		expect(year.status).toBe(200);
		const ipiales = year.body.values.find((v: Json) => v.code === '52356');
		expect(ipiales).toMatchObject({ value: null, count: null, suppressed: '1–10' });
		// The total would give Ipiales' 2 back: it is suppressed with it.
		expect(year.body.total).toBeNull();

		const range = await getJson('/api/stats/municipalities?category=homicide&from=2019-02&to=2019-07');
		expect(range.status).toBe(403);
		expect(range.body.error.code).toBe('disclosure');

		const sensitive = await getJson(
			'/api/stats/municipalities?category=sexual-violence&from=2019-01&to=2019-12'
		);
		expect(sensitive.status).toBe(403);
		const perDepartment = await getJson(
			'/api/stats/departments?category=sexual-violence&from=2019-01&to=2019-12'
		);
		expect(perDepartment.status).toBe(200);
		const monthly = await getJson('/api/stats/departments?category=sexual-violence&from=2019-01&to=2019-01');
		expect(monthly.status).toBe(403);
	});

	it('refuses sums of different units and rates of hectares, and unknown categories', async () => {
		const mixed = await getJson(
			'/api/stats/municipalities?category=homicide,illicit-crops&from=2019-01&to=2019-12'
		);
		expect(mixed.body.error.code).toBe('mixed_units');
		const hectares = await getJson(
			'/api/stats/municipalities?category=illicit-crops&from=2019-01&to=2019-12&measure=rate'
		);
		expect(hectares.body.error.code).toBe('no_rate');
		const unknown = await getJson('/api/stats/municipalities?category=<b>x</b>');
		expect(unknown.status).toBe(400);
		expect(unknown.body.error.message).toContain('unknown category');
	});

	it('follows batch deletion: the statistics drop the batch at once', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const before = await getJson(
			'/api/stats/municipalities?category=homicide&from=2019-01&to=2019-12',
			cookie!
		);
		expect(before.body.total).toBeGreaterThan(0);
		const res = await ctx.api.request(`/api/imports/batches/${batchId}`, {
			method: 'DELETE',
			headers: { cookie: cookie!, origin: 'http://localhost' }
		});
		expect(res.status).toBe(200);
		const after = await getJson(
			'/api/stats/municipalities?category=homicide&from=2019-01&to=2019-12',
			cookie!
		);
		expect(after.body.total).toBe(0);
	});
});

describe('the import upload', () => {
	it('imports an uploaded file as a job for planners, and refuses the public', async () => {
		const anonymous = await ctx.api.request('/api/imports?mapping=policia-homicidios', {
			method: 'POST',
			body: 'x'
		});
		expect(anonymous.status).toBe(401);

		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const body = [
			'fecha,departamento,municipio,codigo_dane,cod_mpio,codigo_origen,arma_medio,genero,grupo_edad,cantidad'
		];
		body.push('2021-04-02,NARIÑO,Pasto (CT),52001000,52001,fuente,ARMA DE FUEGO,MASCULINO,ADULTOS,3');
		const res = await ctx.api.request('/api/imports?mapping=policia-homicidios&fileName=h.csv', {
			method: 'POST',
			headers: { cookie: cookie!, origin: 'http://localhost', 'content-type': 'text/csv' },
			body: body.join('\n')
		});
		expect(res.status).toBe(202);
		const { job } = (await res.json()) as Json;
		let status: Json = job;
		for (let i = 0; i < 100 && (status.status === 'queued' || status.status === 'running'); i++) {
			await new Promise((r) => setTimeout(r, 20));
			status = ((await getJson(`/api/imports/jobs/${job.id}`, cookie!)).body as Json).job;
		}
		expect(status.status).toBe('done');
		expect(status.result.reportsInserted).toBe(1);
		const batches = (await getJson('/api/imports/batches', cookie!)).body.batches as Json[];
		expect(batches[0]).toMatchObject({
			mappingId: 'policia-homicidios',
			fileName: 'h.csv',
			reportsInserted: 1
		});
		const audit = ctx.db.prepare("SELECT target FROM audit_log WHERE action = 'reports.import'").all();
		expect(audit).toHaveLength(1);
	});
});

describe('point reports on H3 hexagons', () => {
	it('aggregates points per cell for restricted roles, inside a provider’s jurisdiction only', async () => {
		const mapping = parseMapping(
			{
				id: 'test-minas',
				source: 'cnmh',
				attribution: 'CNMH',
				category: { value: 'landmines' },
				municipality: { code: 'code' },
				date: { column: 'date', format: 'YYYY-MM-DD' },
				count: { column: 'victims' },
				reference: { columns: ['id'] },
				point: { lon: 'lon', lat: 'lat', precision: 'populated-centre' }
			},
			'points'
		);
		const file = writeFile(
			'points.csv',
			[
				'id,code,date,victims,lon,lat',
				'1,52835,2020-05-01,2,-78.61,1.63',
				'2,52835,2020-06-01,1,-78.61,1.63',
				'3,05001,2020-06-02,1,-75.56,6.25'
			].join('\n')
		);
		await run({ file, mapping });
		const url =
			'/api/reports/hexagons?category=landmines&from=2020-01&to=2020-12&resolution=6&bbox=-80,0,-74,8';
		expect((await getJson(url)).status).toBe(401);

		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const planner = await getJson(url, cookie!);
		expect(planner.status).toBe(200);
		const cells = (planner.body.cells as Json[]).sort((a, b) => b.count - a.count);
		expect(cells.map((c) => [c.count, c.reports])).toEqual([
			[3, 2],
			[1, 1]
		]);
		expect(cells[0]!.h3).toMatch(/^86[0-9a-f]{13}$/);

		await addUser(ctx.db, {
			email: 'narino@example.org',
			role: 'provider',
			jurisdiction: { departments: ['52'], municipalities: [] }
		});
		const provider = await getJson(url, (await loginAs(ctx.api, 'narino@example.org')).cookie!);
		expect((provider.body.cells as Json[]).map((c) => c.count)).toEqual([3]);

		const badBox = await getJson(url.replace('bbox=-80,0,-74,8', 'bbox=-74,0,-80,8'), cookie!);
		expect(badBox.status).toBe(400);
	});
});
