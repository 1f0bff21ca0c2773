import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_SCRYPT } from '../../../../tests/api/helpers';
import { StatsParams } from '../../schemas/reports';
import { importReports } from '../import/importer';
import { parseMapping } from '../import/mappings';
import { createResolverFactory } from '../import/resolvers';
import { createServices } from '../services';
import { PUBLIC_VIEWER, viewerFor } from '../viewer';
import { deleteBatch } from './batches';

/**
 * The reports service called directly, as pages and the command line call it: what the HTTP tests
 * (tests/api/reports.spec.ts) cannot see from outside — the public cache handing out one answer
 * until the reports change — and a provider kept to its jurisdiction without any handler's help.
 */

const HOMICIDES = parseMapping(
	{
		id: 'test-homicidios',
		source: 'policia-nacional',
		attribution: 'Fuente: prueba',
		category: { value: 'homicide' },
		municipality: { code: 'cod_mpio' },
		date: { column: 'fecha', format: 'YYYY-MM-DD' },
		count: { column: 'cantidad' },
		reference: { content: true }
	},
	'test mapping'
);

let ctx: ReturnType<typeof createTestContext>;
let services: ReturnType<typeof createServices>;

/** Imports homicides of 2019 as `[municipality code, victims]`; returns the batch id. */
async function importHomicides(name: string, victims: [string, number][]): Promise<number> {
	const file = path.join(ctx.dir, name);
	const rows = victims.map(([code, n]) => `2019-03-01,${code},${n}`);
	fs.writeFileSync(file, ['fecha,cod_mpio,cantidad', ...rows].join('\n'));
	const result = await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{ mapping: HOMICIDES, file }
	);
	return result.batchId;
}

const YEAR_2019 = StatsParams.parse({ category: 'homicide', from: '2019-01', to: '2019-12' });

const PROVIDER = viewerFor(
	{
		id: 7,
		email: 'narino@example.org',
		role: 'provider',
		jurisdiction: { departments: ['52'], municipalities: ['05001'] }
	},
	null
);

beforeAll(async () => {
	ctx = createTestContext();
	services = createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
	await importHomicides('base.csv', [
		['05001', 40],
		['05120', 15],
		['52835', 30],
		['52001', 25],
		['52356', 20]
	]);
});
afterAll(() => ctx.cleanup());

describe('the reports service', () => {
	it('serves the public one cached answer until the reports change', async () => {
		const first = services.reports.areaFigures(PUBLIC_VIEWER, 'municipality', YEAR_2019);
		expect(services.reports.areaFigures(PUBLIC_VIEWER, 'municipality', YEAR_2019)).toBe(first);
		// The public total is the nation's cell of the release: 130 perturbed by at most ±5.
		expect(Math.abs(first.total! - 130)).toBeLessThanOrEqual(5);

		const batch = await importHomicides('more.csv', [['52001', 12]]);
		const afterImport = services.reports.areaFigures(PUBLIC_VIEWER, 'municipality', YEAR_2019);
		expect(afterImport).not.toBe(first);
		expect(Math.abs(afterImport.total! - 142)).toBeLessThanOrEqual(5);

		deleteBatch(ctx.db, batch);
		// The same reports again: the same cell, published with the same value.
		expect(services.reports.areaFigures(PUBLIC_VIEWER, 'municipality', YEAR_2019).total).toBe(first.total);
	});

	it('gives a provider the areas of its jurisdiction only, with their total', () => {
		const municipalities = services.reports.areaFigures(PROVIDER, 'municipality', YEAR_2019);
		expect(municipalities.values.map((v) => v.code).sort()).toEqual(['05001', '52001', '52356', '52835']);
		expect(municipalities.total).toBe(40 + 30 + 25 + 20);
		// Antioquia is not whole in its jurisdiction: its total would include Cáceres.
		const departments = services.reports.areaFigures(PROVIDER, 'department', YEAR_2019);
		expect(departments.values.map((v) => v.code)).toEqual(['52']);
		expect(departments.total).toBe(75);

		expect(() => services.reports.timeseries(PROVIDER, '05120', { category: ['homicide'] })).toThrow(
			expect.objectContaining({ code: 'outside_jurisdiction' })
		);
	});

	it('refuses point reports to the public even when called without the API', () => {
		expect(() =>
			services.reports.hexagons(PUBLIC_VIEWER, {
				category: ['homicide'],
				from: '2019-01',
				to: '2019-12',
				resolution: 6,
				bbox: [-80, 0, -74, 8]
			})
		).toThrow(expect.objectContaining({ code: 'forbidden' }));
	});
});
