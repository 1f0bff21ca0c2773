import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReports } from '../src/lib/server/import/importer';
import { resolveMapping } from '../src/lib/server/import/mappings';
import { createResolverFactory } from '../src/lib/server/import/resolvers';
import { createTestContext } from '../tests/api/helpers';
import { describeLeftOut, parseArgs, readRejects } from './left-out-rows';

/**
 * scripts/left-out-rows.ts reads what the default import writes with skip-invalid: here a
 * two-row domestic-violence file with the Police's "NO REPORTA" municipality, imported with the
 * shipped mapping into the six test municipalities (tests/api/helpers.ts).
 */

let ctx: ReturnType<typeof createTestContext>;
beforeAll(() => {
	ctx = createTestContext();
});
afterAll(() => ctx.cleanup());

describe('left-out rows', () => {
	it('lists each rejected row with its dataset, file line, column and reason', async () => {
		const file = path.join(ctx.dir, 'vif.csv');
		fs.writeFileSync(
			file,
			[
				'fecha,departamento,municipio,cod_mpio,arma_medio,genero,grupo_edad,cantidad',
				'2018-10-05,NARIÑO,TUMACO,52835,ARMA BLANCA,FEMENINO,ADULTOS,1',
				'2018-10-05,NARIÑO,NO REPORTA,,ARMA BLANCA,FEMENINO,ADULTOS,1'
			].join('\n') + '\n'
		);
		const rejectsDir = path.join(ctx.dir, 'rejects');
		const result = await importReports(
			{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
			{
				file,
				mapping: resolveMapping('policia-violencia-intrafamiliar'),
				skipInvalid: true,
				rejectsFile: path.join(rejectsDir, 'policia-violencia-intrafamiliar.csv')
			}
		);
		expect(result.rowsRejected).toBe(1);
		const rows = readRejects(rejectsDir);
		expect(rows).toEqual([
			{
				dataset: 'policia-violencia-intrafamiliar',
				line: 3,
				column: 'municipio',
				reason: '"NO REPORTA" (NARIÑO) is not a municipality the names resolve to (unknown municipality)',
				values:
					'fecha=2018-10-05; departamento=NARIÑO; municipio=NO REPORTA; arma_medio=ARMA BLANCA; genero=FEMENINO; grupo_edad=ADULTOS; cantidad=1'
			}
		]);
		expect(describeLeftOut(rows).split('\n').at(-1)).toBe(
			'1 rows left out: policia-violencia-intrafamiliar 1'
		);
		expect(readRejects(path.join(ctx.dir, 'none'))).toEqual([]);
		expect(describeLeftOut([])).toBe('0 rows left out');
	});

	it('can be restricted to some mappings and keep its database', () => {
		expect(parseArgs([])).toEqual({});
		expect(parseArgs(['--only', 'policia-extorsion,mineria-evoa', '--keep'])).toEqual({
			only: ['policia-extorsion', 'mineria-evoa'],
			keep: true
		});
		expect(parseArgs(['--only=policia-amenazas'])).toEqual({ only: ['policia-amenazas'] });
		expect(() => parseArgs(['--only'])).toThrow(/needs mapping ids/);
		expect(() => parseArgs(['--all'])).toThrow(/unknown option --all/);
	});
});
