import { parse } from 'csv-parse';
import fs from 'node:fs';
import { z } from 'zod';
import type { DB } from '../db/connection';

/**
 * DANE municipal population by year (../shared/data/real/poblacion), the denominators of rates.
 * Years without an estimate fall back to the 2018 census population (municipalities table).
 */

const Row = z.object({
	cod_mpio: z.string().regex(/^\d{5}$/, 'cod_mpio must be a 5-digit code'),
	anio: z.coerce.number().int().min(1900).max(2100),
	poblacion: z.coerce.number().int().nonnegative()
});

export class PopulationFileError extends Error {}

/** Loads (replacing) the population table from a DANE long-format CSV, in one transaction. */
export async function loadPopulation(
	db: DB,
	file: string
): Promise<{ rows: number; years: [number, number] }> {
	const known = new Set(db.prepare('SELECT code FROM municipalities').pluck().all() as string[]);
	const rows: z.infer<typeof Row>[] = [];
	const parser = fs.createReadStream(file).pipe(parse({ columns: true, bom: true, info: true }));
	for await (const { record, info } of parser as AsyncIterable<{
		record: unknown;
		info: { lines: number };
	}>) {
		const parsed = Row.safeParse(record);
		if (!parsed.success) {
			const issue = parsed.error.issues[0]!;
			throw new PopulationFileError(
				`${file}, row ${info.lines}, column ${String(issue.path[0])}: ${issue.message}`
			);
		}
		if (known.has(parsed.data.cod_mpio)) rows.push(parsed.data);
	}
	if (rows.length === 0) throw new PopulationFileError(`${file} holds no population of a known municipality`);
	const insert = db.prepare('INSERT INTO population (municipality_code, year, population) VALUES (?, ?, ?)');
	db.transaction(() => {
		db.prepare('DELETE FROM population').run();
		for (const r of rows) insert.run(r.cod_mpio, r.anio, r.poblacion);
	})();
	const years = rows.map((r) => r.anio);
	return { rows: rows.length, years: [Math.min(...years), Math.max(...years)] };
}
