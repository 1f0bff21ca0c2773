/**
 * Writes the inputs of the Farrington reference (tests/farrington/reference.R) from a prepared
 * database: monthly counts 2010-01 – 2024-12 of a few municipalities, from `report_rollup` as the
 * alert service reads them, months without a row being zeros (the registries' absences). The file
 * goes to tests/.output/farrington/ (untracked: it is derived from ../shared data); collect.ts keeps
 * only these few series in the committed expectations.
 *
 *   RESILIENCIA_DB=.data/resiliencia.db npx tsx tests/farrington/export-inputs.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { monthIndex, monthLabel } from '../../src/lib/domain/monthly-cube';

const FROM = '2010-01';
const TO = '2024-12';

/** Large cities, a Pacific port, two small Cauca municipalities, and a non-homicide series. */
const SERIES = [
	{ category: 'homicide', code: '52835', name: 'Tumaco' },
	{ category: 'homicide', code: '05001', name: 'Medellín' },
	{ category: 'homicide', code: '76001', name: 'Cali' },
	{ category: 'homicide', code: '19256', name: 'El Tambo' },
	{ category: 'homicide', code: '19821', name: 'Toribío' },
	{ category: 'extortion', code: '54001', name: 'Cúcuta' }
] as const;

const OUT = path.resolve(import.meta.dirname, '..', '.output', 'farrington');

fs.mkdirSync(OUT, { recursive: true });
const db = openDatabase(loadConfig().databaseFile);
try {
	const select = db.prepare<[string, string, string, string], { month: string; count: number }>(
		`SELECT month, count FROM report_rollup
		 WHERE category = ? AND municipality_code = ? AND month BETWEEN ? AND ?`
	);
	const lines = ['series,category,code,name,month,count'];
	for (const series of SERIES) {
		const counts = new Map(
			select.all(series.category, series.code, FROM, TO).map((row) => [row.month, row.count])
		);
		for (let m = monthIndex(FROM); m <= monthIndex(TO); m++) {
			const month = monthLabel(m);
			lines.push(
				`${series.category}-${series.code},${series.category},${series.code},${series.name},${month},${counts.get(month) ?? 0}`
			);
		}
	}
	fs.writeFileSync(path.join(OUT, 'inputs.csv'), lines.join('\n') + '\n');
	console.log(`${SERIES.length} series of ${monthIndex(TO) - monthIndex(FROM) + 1} months written to ${OUT}`);
} finally {
	db.close();
}
