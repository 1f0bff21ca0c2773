/**
 * Writes the inputs of the spdep reference (tests/spdep/reference.R) from a prepared database:
 * homicide rates per 100,000 in 2019 for the municipalities that have one, and their queen
 * neighbours, exactly as GET /api/analysis/local-moran builds them. The files go to
 * tests/.output/spdep/ (untracked: they are derived from ../shared data).
 *
 *   RESILIENCIA_DB=.data/resiliencia.db npx tsx tests/spdep/export-inputs.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { spatialInput } from '../../src/lib/server/analysis/spatial';
import { createStatsService } from '../../src/lib/server/stats/stats';

const OUT = path.resolve(import.meta.dirname, '..', '.output', 'spdep');
fs.mkdirSync(OUT, { recursive: true });

const db = openDatabase(loadConfig().databaseFile);
try {
	const input = spatialInput(createStatsService(db), {
		categories: ['homicide'],
		from: '2019-01',
		to: '2019-12',
		measure: 'rate'
	});
	fs.writeFileSync(
		path.join(OUT, 'homicide-2019-values.csv'),
		'code,value\n' + input.codes.map((code, i) => `${code},${input.values[i]!.toPrecision(17)}\n`).join('')
	);
	const pairs = input.neighbours.flatMap((list, i) =>
		list.map((j) => `${input.codes[i]},${input.codes[j]}\n`)
	);
	fs.writeFileSync(path.join(OUT, 'homicide-2019-neighbours.csv'), 'code,neighbour\n' + pairs.join(''));
	console.log(`${input.codes.length} municipalities, ${pairs.length} neighbour pairs written to ${OUT}`);
} finally {
	db.close();
}
