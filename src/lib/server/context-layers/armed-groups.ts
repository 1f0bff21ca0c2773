import { parse } from 'csv-parse';
import fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { DB } from '../db/connection';

/**
 * Loads armed-group presence per municipality and year (table armed_group_presence, migration
 * 013) from the CEDE conflict panel (../shared/data/real/cede-conflicto, PROVENANCE.md §15): its
 * dummies `FARC_`, `ELN_`, `AUC_` are 0 or 1 in 1993–2013 and empty after. A context layer for
 * criminal governance, never a count of a category. Rows without the three flags (2014–2015) and
 * municipalities the boundaries do not know are not stored.
 */

const FLAGS = ['FARC_', 'ELN_', 'AUC_'] as const;

export class ArmedGroupsFileError extends Error {}

export type ArmedGroupsLoad = { rows: number; years: [number, number] };

/** Replaces the table's content with the file's, in one transaction. */
export async function loadArmedGroups(db: DB, file: string): Promise<ArmedGroupsLoad> {
	const known = new Set(db.prepare('SELECT code FROM municipalities').pluck().all() as string[]);
	const input = fs.createReadStream(file);
	const parser = (file.endsWith('.gz') ? input.pipe(createGunzip()) : input).pipe(
		parse({ columns: true, bom: true, info: true })
	);
	const rows: [string, number, number, number, number][] = [];
	for await (const { record, info } of parser as AsyncIterable<{
		record: Record<string, string>;
		info: { lines: number };
	}>) {
		const where = `${file}, line ${info.lines}`;
		for (const column of ['cod_mpio', 'ano', ...FLAGS]) {
			if (!(column in record)) throw new ArmedGroupsFileError(`${where}: no column ${column}`);
		}
		const flags = FLAGS.map((c) => record[c]!.trim());
		if (flags.every((f) => f === '')) continue;
		const values = flags.map(Number);
		if (!values.every((v) => v === 0 || v === 1))
			throw new ArmedGroupsFileError(
				`${where}: FARC_, ELN_ and AUC_ must be 0 or 1, not ${flags.join(', ')}`
			);
		const code = record.cod_mpio!.trim();
		const year = Number(record.ano);
		if (!/^\d{5}$/.test(code)) throw new ArmedGroupsFileError(`${where}: "${code}" is not a 5-digit code`);
		if (!Number.isInteger(year) || year < 1900 || year > 2100)
			throw new ArmedGroupsFileError(`${where}: "${record.ano}" is not a year`);
		if (known.has(code)) rows.push([code, year, values[0]!, values[1]!, values[2]!]);
	}
	if (rows.length === 0)
		throw new ArmedGroupsFileError(`${file} holds no presence flags of a known municipality`);
	const insert = db.prepare(
		'INSERT INTO armed_group_presence (municipality_code, year, farc, eln, auc) VALUES (?, ?, ?, ?, ?)'
	);
	db.transaction(() => {
		db.prepare('DELETE FROM armed_group_presence').run();
		for (const row of rows) insert.run(...row);
	})();
	const years = rows.map((r) => r[1]);
	return { rows: rows.length, years: [Math.min(...years), Math.max(...years)] };
}
