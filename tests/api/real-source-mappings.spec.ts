import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReports, type ImportResult } from '../../src/lib/server/import/importer';
import { resolveShippedMapping } from '../../src/lib/server/import/mappings';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { readRejects } from '../../scripts/left-out-rows';
import { addUser, createTestContext, loginAs } from './helpers';

/**
 * The sources of issue 18 (Police extortion, threats and drug seizures, CNMH recruitment, SIMCI
 * EVOA mining, the CEDE conflict panel), each read through its shipped mapping (data/mappings/)
 * from a few hand-written rows in the column layout of the real file
 * (../shared/data/real/PROVENANCE.md sections 11–16),
 * into the six test municipalities (tests/api/helpers.ts): Medellín 05001, Cáceres 05120,
 * Tumaco 52835, Pasto 52001, Ipiales 52356, San Andrés 88001.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
let cookie: string;
const results = new Map<string, ImportResult>();

async function load(mappingId: string, name: string, lines: string[]) {
	const file = path.join(ctx.dir, name);
	const text = lines.join('\n') + '\n';
	fs.writeFileSync(file, name.endsWith('.gz') ? gzipSync(text) : text);
	const result = await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{
			file,
			mapping: resolveShippedMapping(mappingId),
			skipInvalid: true,
			rejectsFile: path.join(ctx.dir, 'rejects', `${mappingId}.csv`)
		}
	);
	results.set(mappingId, result);
}

type Stored = { municipality: string; month: string; date: string; precision: string; count: number };

function stored(category: string): Stored[] {
	return ctx.db
		.prepare(
			`SELECT municipality_code AS municipality, month, date, date_precision AS precision, count
			 FROM reports WHERE category = ? ORDER BY date, municipality_code, count`
		)
		.all(category) as Stored[];
}

async function get(url: string): Promise<Json> {
	const res = await ctx.api.request(url, { headers: { cookie } });
	expect(res.status, url).toBe(200);
	return (await res.json()) as Json;
}

const value = (body: Json, code: string) => body.values.find((v: Json) => v.code === code);
const rejected = (mapping: string) =>
	readRejects(path.join(ctx.dir, 'rejects')).filter((r) => r.dataset === mapping);

const POLICE_HEADER =
	'fecha,departamento,municipio,codigo_dane,cod_mpio,armas_medios,genero,grupo_edad,cantidad,archivo_fuente';

const RECRUITMENT_HEADER =
	'ID Caso,ID Caso Relacionado,Año,Mes,Día,Código DANE de Municipio,Municipio,Departamento,Región,Modalidad,' +
	'Presunto Responsable,Descripción Presunto Responsable,Abandono o Despojo Forzado de Tierras,' +
	'Amenaza o Intimidación,Ataque Contra Misión Médica,Confinamiento o Restricción a la Movilidad,' +
	'Desplazamiento Forzado,Extorsión,Lesionados Civiles,Pillaje,Tortura,Violencia Basada en Género,' +
	'Otro Hecho Simultáneo,Total de Víctimas del Caso,Forma de Vinculación,Tipo de Vinculación,Latitud,Longitud';

/** One CNMH recruitment case: id, year, month, day, code, municipality, department, victims, point. */
const recruitment = (
	id: number,
	[y, m, d]: [string, string, string],
	code: string,
	municipality: string,
	department: string,
	victims: number,
	[lat, lon]: [number, number]
) =>
	`${id},,${y},${m},${d},${code},${municipality},${department},PACÍFICO NARIÑENSE,COACCIÓN,GUERRILLA,FARC,` +
	`0,1,0,0,0,0,0,0,0,0,,${victims},INDIVIDUAL,RECLUTAMIENTO,${lat},${lon}`;

const EVOA_HEADER =
	'a_o,codigo_departamento,departamento,codigo_municipio,municipio,hectareas_con_permisos,' +
	'hectareas_en_transito_a,hectareas_explotacion_ilicita,total_evidencia_explotacion,cod_mpio';

const SEIZURES_HEADER =
	'fecha,departamento,municipio,codigo_dane,cod_mpio,codigo_origen,dia_semana,clase_estupefaciente,' +
	'clase_sitio,zona,unidad_medida,cantidad';

const DISPLACEMENT_PANEL_HEADER =
	'cod_mpio,anio,poblacion_proyectada,desplazados_total_RUV,desplazados_paras_RUV,desplazados_CODHES,' +
	'desplazados_total_AS,desplazados_parasguerr_AS,desplazados_CEDE,desplazados_JYP';

/** The CEDE panel's columns these mappings and the armed-group loader read (of its 318). */
const CEDE_HEADER = 'cod_mpio,codmpio,ano,o_desplaza,desplazados_expulsion,o_aband_tierras,FARC_,ELN_,AUC_';

beforeAll(async () => {
	ctx = createTestContext();
	await load('policia-extorsion', 'extorsion.csv.gz', [
		POLICE_HEADER,
		'2010-01-01,NARIÑO,PASTO (CT),52001000,52001,CARTA EXTORSIVA,MASCULINO,ADULTOS,2,2010_Extorsion_extorsion_2010_2.xlsx',
		// Two identical rows (2019 is one row per case): both kept.
		'2019-05-02,NARIÑO,TUMACO,52835000,52835,LLAMADA TELEFONICA,FEMENINO,ADULTOS,1,2019_Extorsion_extorsion_2019_2.xlsx',
		'2019-05-02,NARIÑO,TUMACO,52835000,52835,LLAMADA TELEFONICA,FEMENINO,ADULTOS,1,2019_Extorsion_extorsion_2019_2.xlsx',
		// A populated centre of Tumaco: its municipality is the first five digits.
		'2023-07-15,NARIÑO,Tumaco,52835006,52835,DIRECTA,MASCULINO,ADULTOS,1,2023_Extorsion_extorsion_11.xlsx',
		'2025-10-31,ANTIOQUIA,Medellín (CT),05001000,05001,REDES SOCIALES,NO REPORTADO,NO REPORTADO,1,2025_Extorsion_Extorsi%C3%B3n_8.xlsx'
	]);
	await load('policia-amenazas', 'amenazas.csv.gz', [
		POLICE_HEADER,
		'2020-06-10,ANTIOQUIA,MEDELLÍN (CT),05001000,05001,SIN EMPLEO DE ARMAS,FEMENINO,ADULTOS,7,2020_Amenazas_amenazas_2020.xlsx',
		'2023-03-01,ANTIOQUIA,Medellín (CT),05001000,05001,ARMA DE FUEGO,MASCULINO,ADULTOS,4,2023_Amenazas_amenzas..xlsx',
		'2025-02-20,NARIÑO,Pasto (CT),52001000,52001,CONTUNDENTES,MASCULINO,ADULTOS,1,2025_Amenazas_Amenazas_8.xlsx',
		// Department only (code 52000000, municipality not reported): cannot be placed, left out.
		'2019-04-04,NARIÑO,NO REPORTADO,52000000,,NO REPORTADO,MASCULINO,ADULTOS,1,2019_Amenazas_amenazas_2019.xlsx'
	]);
	await load('cnmh-reclutamiento', 'reclutamiento.csv.gz', [
		RECRUITMENT_HEADER,
		recruitment(1, ['2001', '04', '25'], '52835', 'TUMACO', 'NARIÑO', 2, [1.8, -78.76]),
		recruitment(2, ['2005', '03', '00'], '52001', 'PASTO', 'NARIÑO', 1, [1.21, -77.28]),
		recruitment(3, ['2005', '00', '00'], '52001', 'PASTO', 'NARIÑO', 1, [1.21, -77.28]),
		// No year (65 % of the file): cannot be placed in time, left out.
		recruitment(4, ['0000', '00', '00'], '52835', 'TUMACO', 'NARIÑO', 1, [1.8, -78.76]),
		// No municipality: the country's reference point is not where it happened, left out.
		recruitment(5, ['2003', '06', '12'], '00000', 'SIN INFORMACION', 'SIN INFORMACION', 3, [4, -72])
	]);
	await load('mineria-evoa', 'evoa.csv', [
		EVOA_HEADER,
		'2018,5,ANTIOQUIA,5120,CÁCERES,10.5,2.25,100.125,112.875,05120',
		'2019,5,ANTIOQUIA,5120,CÁCERES,11,3,120.5,134.5,05120',
		// The department name is wrong (as BOYACA for Bolívar in the source): read by code.
		'2020,52,BOYACA,52835,TUMACO,0,0,55.5,55.5,52835',
		// No illicit hectares: nothing stored (the census's absence is zero).
		'2020,5,ANTIOQUIA,5120,CÁCERES,40,0,0,40,05120'
	]);
	await load('policia-incautaciones', 'incautaciones.csv.gz', [
		SEIZURES_HEADER,
		'2013-01-01,NARIÑO,PASTO (CT),,52001,inferido_nombre,,MARIHUANA,VIAS PUBLICAS,URBANA,GRAMO,4',
		// Two identical records (no id in the file): two seizures, both kept.
		'2013-01-01,NARIÑO,PASTO (CT),,52001,inferido_nombre,,MARIHUANA,VIAS PUBLICAS,URBANA,GRAMO,4',
		'2013-11-05,ANTIOQUIA,MEDELLÍN (CT),,05001,inferido_nombre,,EXTASIS,DISCOTECAS,URBANA,UNIDAD,12',
		'2014-06-30,NARIÑO,TUMACO,,52835,inferido_nombre,,COCAINA,MAR,RURAL,GRAMO,1200000',
		'2017-03-15,ANTIOQUIA,CÁCERES,05120000,05120,fuente,MIÉRCOLES,BASE DE COCA,VIAS PUBLICAS,RURAL,GRAMO,45.3',
		'2018-06-30,NARIÑO,IPIALES,52356000,52356,fuente,SÁBADO,MARIHUANA,CASAS DE HABITACION,URBANA,GRAMO,250',
		// Seized abroad (3 records of 2013 in the real file): no municipality, left out.
		'2013-01-17,FLORIDA,MIAMI,,,,,HEROINA,NO DEFINIDO,URBANA,GRAMO,15500'
	]);
	// The displacement panel (1996–2012) and CEDE's RUV columns (1993–2015) for the same places.
	await load('desplazamiento-panel', 'panel.csv', [
		DISPLACEMENT_PANEL_HEADER,
		'52835,2011,190000,700,0,0,0,0,0,0',
		'52835,2012,191000,800,0,0,0,0,0,0'
	]);
	const cede = [
		CEDE_HEADER,
		// 2012: the panel's year; CEDE's 900 (a later RUV cut) must not be added to its 800.
		'52835,52835,2012,900,900,3,1,0,0',
		// A blank RUV cell is none: no land report.
		'52835,52835,2013,1200,1200,,1,1,0',
		'52001,52001,2014,,0,,0,0,0',
		// 2014–2015 have no presence flags.
		'05120,05120,2015,75,75,,,,',
		'05001,05001,1995,10,10,2,0,0,1'
	];
	await load('cede-desplazamiento', 'cede.csv.gz', cede);
	await load('cede-despojo-tierras', 'cede.csv.gz', cede);
	await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
	cookie = (await loginAs(ctx.api, 'planner@example.org')).cookie!;
});
afterAll(() => ctx.cleanup());

describe('the new real sources through their shipped mappings', () => {
	it('extortion: cases per row, populated centres in their municipality, true repeats kept, to October 2025', async () => {
		expect(results.get('policia-extorsion')).toMatchObject({
			rowsRead: 5,
			reportsInserted: 5,
			rowsRejected: 0
		});
		expect(stored('extortion')).toEqual([
			{ municipality: '52001', month: '2010-01', date: '2010-01-01', precision: 'day', count: 2 },
			{ municipality: '52835', month: '2019-05', date: '2019-05-02', precision: 'day', count: 1 },
			{ municipality: '52835', month: '2019-05', date: '2019-05-02', precision: 'day', count: 1 },
			{ municipality: '52835', month: '2023-07', date: '2023-07-15', precision: 'day', count: 1 },
			{ municipality: '05001', month: '2025-10', date: '2025-10-31', precision: 'day', count: 1 }
		]);
		const y2025 = await get('/api/stats/municipalities?category=extortion&from=2025-01&to=2025-12');
		expect(y2025.coverage.note.es).toBe('Cubre enero–octubre de 2025 (10 de 12 meses)');
		// A national registry: a municipality it does not list had none.
		expect(value(y2025, '05001').count).toBe(1);
		expect(value(y2025, '52356').count).toBe(0);
	});

	it('threats: their own non-sensitive category; 2021–2022 are no data, not zero', async () => {
		expect(results.get('policia-amenazas')).toMatchObject({
			rowsRead: 4,
			reportsInserted: 3,
			rowsRejected: 1
		});
		expect(stored('threats').map((r) => [r.municipality, r.month, r.count])).toEqual([
			['05001', '2020-06', 7],
			['05001', '2023-03', 4],
			['52001', '2025-02', 1]
		]);
		expect(rejected('policia-amenazas')).toMatchObject([{ line: 5, column: 'municipio' }]);
		const { categories } = await get('/api/categories');
		expect(categories.find((c: Json) => c.id === 'threats')).toMatchObject({
			label: { es: 'Amenazas', en: 'Threats' },
			sensitive: false,
			unit: 'cases'
		});
		const lost = await get('/api/stats/municipalities?category=threats&from=2021-01&to=2021-12');
		expect(lost.coverage.covered).toBeNull();
		expect(value(lost, '52356')).toMatchObject({ count: null });
		expect(value(lost, '05001')).toMatchObject({ count: null });
		const across = await get('/api/stats/municipalities?category=threats&from=2020-01&to=2023-12');
		expect(across.coverage.covered).toEqual({ from: '2023-01', to: '2023-12' });
		expect(across.coverage.note.en).toBe('Covers 2023 (12 of 48 months)');
		expect(across.coverage.categories.threats.gaps).toEqual([{ from: '2021-01', to: '2022-12' }]);
		expect(value(across, '05001').count).toBe(4);
		expect(value(across, '52356').count).toBe(0);
		const series = await get('/api/municipalities/05001/timeseries?category=threats&from=2020-12&to=2023-01');
		expect(series.series.map((p: Json) => p.count)).toEqual([0, ...Array(24).fill(null), 0]);
	});

	it('recruitment: victims per case at their date’s precision; undated and unplaced cases left out', async () => {
		expect(resolveShippedMapping('cnmh-reclutamiento').municipality.fromPoint).toBe(false);
		expect(results.get('cnmh-reclutamiento')).toMatchObject({
			rowsRead: 5,
			reportsInserted: 3,
			rowsRejected: 2
		});
		expect(stored('forced-recruitment')).toEqual([
			{ municipality: '52835', month: '2001-04', date: '2001-04-25', precision: 'day', count: 2 },
			{ municipality: '52001', month: '2005-01', date: '2005', precision: 'year', count: 1 },
			{ municipality: '52001', month: '2005-03', date: '2005-03', precision: 'month', count: 1 }
		]);
		const point = ctx.db
			.prepare(
				"SELECT lon, lat, point_precision AS precision FROM reports WHERE source_ref = 'cnmh-reclutamiento:1'"
			)
			.get();
		expect(point).toEqual({ lon: -78.76, lat: 1.8, precision: 'populated-centre' });
		expect(rejected('cnmh-reclutamiento').map((r) => [r.line, r.column])).toEqual([
			[5, 'Año'],
			[6, 'Código DANE de Municipio']
		]);
	});

	it('EVOA: illicit hectares per municipality and year, read by code, zero not stored', async () => {
		expect(results.get('mineria-evoa')).toMatchObject({ rowsRead: 4, reportsInserted: 3, rowsRejected: 0 });
		expect(stored('illegal-mining')).toEqual([
			{ municipality: '05120', month: '2018-01', date: '2018', precision: 'year', count: 100.125 },
			{ municipality: '05120', month: '2019-01', date: '2019', precision: 'year', count: 120.5 },
			{ municipality: '52835', month: '2020-01', date: '2020', precision: 'year', count: 55.5 }
		]);
		const attributes = ctx.db
			.prepare("SELECT attributes FROM reports WHERE source_ref = 'mineria-evoa:05120|2018'")
			.pluck()
			.get() as string;
		expect(JSON.parse(attributes)).toEqual({
			total_hectares: '112.875',
			permitted_hectares: '10.5',
			in_formalisation_hectares: '2.25'
		});
		const y2020 = await get('/api/stats/municipalities?category=illegal-mining&from=2020-01&to=2020-12');
		expect(value(y2020, '52835').count).toBe(55.5);
		expect(value(y2020, '05120').count).toBe(0);
		// A yearly census: no whole year in February 2019 – January 2020, so no data.
		const shifted = await get('/api/stats/municipalities?category=illegal-mining&from=2019-02&to=2020-01');
		expect(shifted.coverage.covered).toBeNull();
	});

	it('seizures: one report per seizure record, an enforcement proxy, 2015–2016 no data', async () => {
		expect(results.get('policia-incautaciones')).toMatchObject({
			rowsRead: 7,
			reportsInserted: 6,
			rowsRejected: 1
		});
		expect(stored('micro-trafficking').map((r) => [r.municipality, r.date, r.precision, r.count])).toEqual([
			['52001', '2013-01-01', 'day', 1],
			['52001', '2013-01-01', 'day', 1],
			['05001', '2013-11-05', 'day', 1],
			['52835', '2014-06-30', 'day', 1],
			['05120', '2017-03-15', 'day', 1],
			['52356', '2018-06-30', 'day', 1]
		]);
		expect(rejected('policia-incautaciones')).toMatchObject([{ line: 8, column: 'municipio' }]);
		// The quantity stays with the seizure, in its own unit (grams and units are never summed).
		const attributes = ctx.db
			.prepare(
				"SELECT attributes FROM reports WHERE category = 'micro-trafficking' AND municipality_code = ?"
			)
			.pluck();
		expect(JSON.parse(attributes.get('52835') as string)).toEqual({
			substance: 'COCAINA',
			quantity: '1200000',
			unit: 'GRAMO',
			place_type: 'MAR',
			zone: 'RURAL'
		});
		expect(JSON.parse(attributes.get('05001') as string)).toMatchObject({
			substance: 'EXTASIS',
			unit: 'UNIDAD'
		});
		// The legend's source line says what the figure measures.
		const extent = await get('/api/stats/extent');
		expect(extent.attributions['micro-trafficking']).toEqual([
			'Fuente: Policía Nacional – DIJIN, datos.gov.co. Incautaciones: miden la acción policial, no el tráfico'
		]);
		const y2013 = await get('/api/stats/municipalities?category=micro-trafficking&from=2013-01&to=2013-12');
		expect(y2013.coverage.covered).toEqual({ from: '2013-01', to: '2013-12' });
		expect(value(y2013, '52001').count).toBe(2);
		expect(value(y2013, '05001').count).toBe(1);
		expect(value(y2013, '52356').count).toBe(0);
		// The lost workbooks of 2015–2016: no data, not zero; across them, the latest stretch.
		const lost = await get('/api/stats/municipalities?category=micro-trafficking&from=2015-01&to=2016-12');
		expect(lost.coverage.covered).toBeNull();
		expect(value(lost, '52835')).toMatchObject({ count: null });
		const across = await get('/api/stats/municipalities?category=micro-trafficking&from=2014-01&to=2017-12');
		expect(across.coverage.covered).toEqual({ from: '2017-01', to: '2017-12' });
		expect(across.coverage.categories['micro-trafficking'].gaps).toEqual([
			{ from: '2015-01', to: '2016-12' }
		]);
		expect(value(across, '05120').count).toBe(1);
		expect(value(across, '52835').count).toBe(0);
		// 2018 is its first half only.
		const y2018 = await get('/api/stats/municipalities?category=micro-trafficking&from=2018-01&to=2018-12');
		expect(y2018.coverage.note.es).toBe('Cubre enero–junio de 2018 (6 de 12 meses)');
	});

	it('CEDE displacement: 2013–2015 only, after the panel’s 1996–2012, never both for one year', async () => {
		expect(results.get('cede-desplazamiento')).toMatchObject({
			rowsRead: 5,
			reportsInserted: 2,
			rowsRejected: 0
		});
		expect(stored('forced-displacement').map((r) => [r.municipality, r.date, r.count])).toEqual([
			['52835', '2011', 700],
			['52835', '2012', 800],
			['52835', '2013', 1200],
			['05120', '2015', 75]
		]);
		const y2012 = await get('/api/stats/municipalities?category=forced-displacement&from=2012-01&to=2012-12');
		expect(value(y2012, '52835').count).toBe(800);
		const joined = await get(
			'/api/stats/municipalities?category=forced-displacement&from=2011-01&to=2015-12'
		);
		expect(joined.coverage.covered).toEqual({ from: '2011-01', to: '2015-12' });
		expect(joined.coverage.categories['forced-displacement']).toEqual({
			from: '1996-01',
			to: '2015-12',
			precision: 'year',
			absence: 'unknown'
		});
		expect(value(joined, '52835').count).toBe(2700);
		// Absence stays unknown: the panel leaves capitals out, so no place is claimed as zero.
		expect(value(joined, '52356').count).toBeNull();
	});

	it('CEDE land dispossession: RUV victims to 2013, a blank cell is none, its own category', async () => {
		expect(resolveShippedMapping('cede-despojo-tierras').count).toEqual({
			column: 'o_aband_tierras',
			format: 'plain',
			blank: 'zero'
		});
		expect(results.get('cede-despojo-tierras')).toMatchObject({
			rowsRead: 5,
			reportsInserted: 2,
			rowsRejected: 0
		});
		expect(stored('land-dispossession').map((r) => [r.municipality, r.date, r.count])).toEqual([
			['05001', '1995', 2],
			['52835', '2012', 3]
		]);
		const { categories } = await get('/api/categories');
		expect(categories.find((c: Json) => c.id === 'land-dispossession')).toMatchObject({
			label: { es: 'Despojo y abandono forzado de tierras' },
			sensitive: false,
			unit: 'victims'
		});
		// The dialogues' "lack of land titles" is another issue: nothing of CEDE's is filed there.
		expect(stored('land-conflict')).toEqual([]);
		const y2013 = await get('/api/stats/municipalities?category=land-dispossession&from=2013-01&to=2013-12');
		expect(value(y2013, '52835').count).toBe(0);
		const y2014 = await get('/api/stats/municipalities?category=land-dispossession&from=2014-01&to=2014-12');
		expect(y2014.coverage.covered).toBeNull();
	});
});
