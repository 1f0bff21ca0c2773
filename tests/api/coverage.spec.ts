import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MappingInput } from '../../src/lib/domain/import/mapping';
import { importReports } from '../../src/lib/server/import/importer';
import { parseMapping, resolveShippedMapping } from '../../src/lib/server/import/mappings';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { addUser, createTestContext, loginAs } from './helpers';

/**
 * What the figures are *of* (issue 15): coverage per source, denominators, absence and units, on
 * the six-municipality test database (tests/api/helpers.ts). The test mappings declare the same
 * coverage as the shipped ones (checked in the last test) on a few hand-made rows.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
let cookie: string;

const dated = (id: string, category: string, coverage: MappingInput['coverage']) =>
	parseMapping(
		{
			id,
			source: id,
			attribution: `Fuente: ${id}`,
			category: { value: category },
			municipality: { code: 'cod_mpio', department: 'departamento', name: 'municipio' },
			date: { column: 'fecha', format: 'YYYY-MM-DD' },
			count: { column: 'cantidad' },
			reference: { content: true },
			coverage
		},
		id
	);

async function load(mapping: ReturnType<typeof parseMapping>, lines: string[]) {
	const file = path.join(ctx.dir, `${mapping.id}.csv`);
	fs.writeFileSync(file, lines.join('\n'));
	await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{ file, mapping }
	);
}

const HEADER = 'fecha,departamento,municipio,cod_mpio,cantidad';

async function get(url: string): Promise<{ status: number; body: Json }> {
	const res = await ctx.api.request(url, { headers: { cookie } });
	return { status: res.status, body: (await res.json()) as Json };
}

const value = (body: Json, code: string) => body.values.find((v: Json) => v.code === code);

beforeAll(async () => {
	ctx = createTestContext();
	// Sexual violence: a registry to 31 May 2025 (as the Police file).
	await load(
		dated('t-sexual', 'sexual-violence', {
			from: '2010-01',
			to: '2025-05',
			precision: 'day',
			absence: 'zero'
		}),
		[
			HEADER,
			'2025-01-10,ANTIOQUIA,Medellín,05001,30',
			'2025-04-02,ANTIOQUIA,Medellín,05001,20',
			'2024-02-02,ANTIOQUIA,Medellín,05001,40',
			'2024-08-02,ANTIOQUIA,Medellín,05001,100'
		]
	);
	// Homicides: a registry 2003–2024; Cáceres only, so that the other municipalities are absences.
	const homicides = [HEADER];
	for (let y = 2003; y <= 2019; y++) homicides.push(`${y}-06-01,ANTIOQUIA,Cáceres,05120,8`);
	await load(
		dated('t-homicide', 'homicide', { from: '2003-01', to: '2024-12', precision: 'day', absence: 'zero' }),
		homicides
	);
	// Leaders: a compilation, absence unknown.
	await load(
		dated('t-leaders', 'threats-to-leaders', {
			from: '2016-01',
			to: '2019-12',
			precision: 'day',
			absence: 'unknown'
		}),
		[HEADER, '2018-03-03,NARIÑO,Tumaco,52835,2']
	);
	// Coca: a yearly census; a wide file, one column per year.
	const coca = parseMapping(
		{
			id: 't-coca',
			source: 't-coca',
			attribution: 'Fuente: t-coca',
			category: { value: 'illicit-crops' },
			municipality: { code: 'CODMPIO', department: 'DEPARTAMENTO', name: 'MUNICIPIO' },
			wide: { columns: '^\\d{4}$', period: 'year', format: 'en' },
			skipZero: true,
			reference: { columns: ['CODMPIO'] },
			coverage: { from: '2001-01', to: '2023-12', precision: 'year', absence: 'zero' }
		},
		't-coca'
	);
	await load(coca, [
		'CODMPIO,DEPARTAMENTO,MUNICIPIO,2021,2022,2023',
		'52835,NARIÑO,Tumaco,"1,000.5","2,000","3,000"'
	]);
	// Population: Medellín's last projection is 2024; Cáceres did not exist before 2008 (DANE: 0).
	const insert = ctx.db.prepare('INSERT INTO population VALUES (?, ?, ?)');
	for (let y = 2003; y <= 2024; y++) {
		insert.run('05001', y, 2_000_000 + (y - 2003) * 10_000);
		insert.run('05120', y, y < 2008 ? 0 : 30_000 + (y - 2008) * 1_000);
	}
	await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
	cookie = (await loginAs(ctx.api, 'planner@example.org')).cookie!;
});
afterAll(() => ctx.cleanup());

describe('coverage, denominators, absence and units', () => {
	it('a year covered January–May says so, and its rate uses the 2024 projection, per year', async () => {
		const { status, body } = await get(
			'/api/stats/municipalities?category=sexual-violence&from=2025-01&to=2025-12&measure=rate'
		);
		expect(status).toBe(200);
		expect(body.coverage).toMatchObject({
			covered: { from: '2025-01', to: '2025-05' },
			coveredMonths: 5,
			partial: true,
			note: { es: 'Cubre enero–mayo de 2025 (5 de 12 meses)' }
		});
		expect(body.denominator.substituted).toEqual([{ year: 2025, used: 2024 }]);
		expect(body.denominator.text.es).toContain('2025 con la proyección DANE de 2024');
		const medellin = value(body, '05001');
		const pop2024 = 2_000_000 + 21 * 10_000;
		expect(medellin.population).toBe(pop2024);
		// 50 cases over 5/12 of a year of 2,210,000 people: per 100,000 per year.
		expect(medellin.value).toBeCloseTo((50 / ((pop2024 * 5) / 12)) * 100_000, 9);
	});

	it('a change compares the same covered months of both years', async () => {
		const { body } = await get(
			'/api/stats/municipalities?category=sexual-violence&from=2025-01&to=2025-12&compare_from=2024-01&compare_to=2024-12'
		);
		expect(body.comparison).toEqual({
			from: '2025-01',
			to: '2025-05',
			previousFrom: '2024-01',
			previousTo: '2024-05'
		});
		const medellin = value(body, '05001');
		expect([medellin.count, medellin.previous]).toEqual([50, 40]);
		expect(medellin.change).toBeCloseTo(25, 9);
	});

	it('a registry’s absence is zero inside its coverage and no data outside it; a compilation’s is no data', async () => {
		const inside = await get('/api/stats/municipalities?category=homicide&from=2019-01&to=2019-12');
		expect(value(inside.body, '52001')).toMatchObject({ count: 0, value: 0 });
		const outside = await get('/api/stats/municipalities?category=homicide&from=2025-01&to=2025-12');
		expect(value(outside.body, '52001')).toMatchObject({ count: null, value: null });
		expect(value(outside.body, '05120')).toMatchObject({ count: null, value: null });
		expect(outside.body.coverage.note.en).toBe('The sources do not cover 2025: no data');
		const leaders = await get(
			'/api/stats/municipalities?category=threats-to-leaders&from=2018-01&to=2018-12'
		);
		expect(value(leaders.body, '52835').count).toBe(2);
		expect(value(leaders.body, '52001').count).toBeNull();
	});

	it('years before a municipality existed are left out, and a multi-year rate is per year', async () => {
		const { body } = await get(
			'/api/stats/municipalities?category=homicide&from=2003-01&to=2010-12&measure=rate'
		);
		const caceres = value(body, '05120');
		// 8 victims a year 2003–2010 = 64 (all counted); the rate divides only 2008–2010's 24 victims
		// by 2008–2010's person-years: 30,000 + 31,000 + 32,000 (not 64 over 8 years of a mean of 3 …).
		expect(caceres.count).toBe(64);
		expect(caceres.population).toBe(31_000);
		expect(caceres.value).toBeCloseTo((24 / 93_000) * 100_000, 9);
		const later = await get(
			'/api/stats/municipalities?category=homicide&from=2015-01&to=2019-12&measure=rate'
		);
		// 40 victims over 5 years of (37,000 … 41,000): the mean of five yearly rates, not their sum.
		expect(value(later.body, '05120').value).toBeCloseTo(
			(40 / (37_000 + 38_000 + 39_000 + 40_000 + 41_000)) * 100_000,
			9
		);
		expect(later.body.denominator.bases).toEqual(['CNPV 2005', 'CNPV 2018']);
		expect(later.body.denominator.text.en).toContain('2005 census');
	});

	it('a yearly source enters a window by whole years only', async () => {
		const year = await get('/api/stats/municipalities?category=illicit-crops&from=2022-01&to=2022-12');
		expect(value(year.body, '52835').count).toBe(2000);
		expect(value(year.body, '52001').count).toBe(0);
		// February 2022 – January 2023 holds no whole year of the census: no data, not 2023's January.
		const shifted = await get('/api/stats/municipalities?category=illicit-crops&from=2022-02&to=2023-01');
		expect(value(shifted.body, '52835').count).toBeNull();
		expect(shifted.body.coverage.covered).toBeNull();
		const series = await get('/api/municipalities/52835/timeseries?category=illicit-crops');
		expect(series.body.grain).toBe('year');
		expect(series.body.series).toEqual([
			{ month: '2021', count: 1000.5 },
			{ month: '2022', count: 2000 },
			{ month: '2023', count: 3000 }
		]);
		// The extent tells the browser which categories are yearly, so it asks for whole years.
		const extent = await get('/api/stats/extent');
		expect(extent.body.yearly).toContain('illicit-crops');
		expect(extent.body.yearly).not.toContain('sexual-violence');
	});

	it('refuses rates and spatial statistics of hectares with one message', async () => {
		const messages = [];
		for (const url of [
			'/api/stats/municipalities?category=illicit-crops&from=2022-01&to=2022-12&measure=rate',
			'/api/stats/municipalities?category=illicit-crops&from=2022-01&to=2022-12&measure=smoothed_rate',
			'/api/analysis/local-moran?category=illicit-crops&from=2022-01&to=2022-12',
			'/api/analysis/getis-ord?category=illicit-crops&from=2022-01&to=2022-12'
		]) {
			const { status, body } = await get(url);
			expect(status, url).toBe(400);
			messages.push(body.error.message);
		}
		expect(new Set(messages).size).toBe(1);
		expect(messages[0]).toMatch(/hectares/);
		expect(messages[0]).toMatch(/km²/);
	});

	it('the shipped mappings declare what the real sources cover (PROVENANCE.md)', () => {
		const coverage = (id: string) => resolveShippedMapping(id).coverage;
		expect(coverage('policia-violencia-intrafamiliar')).toMatchObject({ to: '2023-02', absence: 'zero' });
		expect(coverage('policia-delitos-sexuales')).toMatchObject({ to: '2025-05', absence: 'zero' });
		expect(coverage('policia-homicidios')).toMatchObject({ from: '2003-01', to: '2024-12', absence: 'zero' });
		expect(coverage('cnmh-minas')).toMatchObject({ absence: 'zero' });
		expect(coverage('coca-simci')).toMatchObject({ precision: 'year', absence: 'zero' });
		expect(coverage('desplazamiento-panel')).toMatchObject({ precision: 'year', absence: 'unknown' });
		expect(coverage('lideres-sociales')).toMatchObject({ absence: 'unknown' });
		// Issue 18: extortion and threats to 31 Oct 2025, threats without 2021–2022 (lost workbooks).
		expect(coverage('policia-extorsion')).toMatchObject({
			from: '2010-01',
			to: '2025-10',
			precision: 'day',
			absence: 'zero',
			gaps: []
		});
		expect(coverage('policia-amenazas')).toMatchObject({
			from: '2010-01',
			to: '2025-10',
			precision: 'day',
			absence: 'zero',
			gaps: [{ from: '2021-01', to: '2022-12' }]
		});
		// A memory register, 65 % undated: a municipality without dated cases is no data, not zero.
		expect(coverage('cnmh-reclutamiento')).toMatchObject({
			from: '1962-01',
			to: '2021-11',
			absence: 'unknown'
		});
		expect(coverage('mineria-evoa')).toMatchObject({
			from: '2018-01',
			to: '2020-12',
			precision: 'year',
			absence: 'zero'
		});
		// Drug seizures: 2013, 2014, 2017 and 2018 H1 (the 2015–2016 workbooks are lost).
		expect(coverage('policia-incautaciones')).toMatchObject({
			from: '2013-01',
			to: '2018-06',
			precision: 'day',
			absence: 'zero',
			gaps: [{ from: '2015-01', to: '2016-12' }]
		});
		// CEDE's RUV displacement follows the panel (1996–2012) without overlapping it; land to 2013.
		expect(coverage('cede-desplazamiento')).toMatchObject({
			from: '2013-01',
			to: '2015-12',
			precision: 'year',
			absence: 'unknown'
		});
		expect(coverage('cede-despojo-tierras')).toMatchObject({
			from: '1993-01',
			to: '2013-12',
			precision: 'year',
			absence: 'zero'
		});
		expect(resolveShippedMapping('cede-despojo-tierras').category).toEqual({ value: 'land-dispossession' });
		expect(resolveShippedMapping('policia-amenazas').category).toEqual({ value: 'threats' });
		expect(resolveShippedMapping('mineria-evoa').count).toEqual({
			column: 'hectareas_explotacion_ilicita',
			format: 'plain'
		});
	});
});
