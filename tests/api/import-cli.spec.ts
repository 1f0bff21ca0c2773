import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runImportCli } from '../../scripts/import';
import { openDatabase } from '../../src/lib/server/db/connection';
import { seedBoundaries } from './helpers';

/** `npm run import -- reports FILE --mapping MAPPING`, as a user runs it, on a temporary database. */

let dir: string;
const saved = { ...process.env };

beforeAll(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-cli-'));
	process.env.RESILIENCIA_DB = path.join(dir, 'cli.db');
	process.env.RESILIENCIA_BUILD_DIR = path.join(dir, 'build');
	const db = openDatabase(process.env.RESILIENCIA_DB);
	seedBoundaries(db);
	db.close();
});

afterAll(() => {
	process.env = saved;
	fs.rmSync(dir, { recursive: true, force: true });
});

function reports(): { n: number; victims: number | null } {
	const db = new Database(process.env.RESILIENCIA_DB!, { readonly: true });
	try {
		return db.prepare('SELECT count(*) AS n, sum(count) AS victims FROM reports').get() as {
			n: number;
			victims: number;
		};
	} finally {
		db.close();
	}
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
	const out: string[] = [];
	const err: string[] = [];
	const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
	const error = vi
		.spyOn(console, 'error')
		.mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
	try {
		return { code: await runImportCli(args), out: out.join('\n'), err: err.join('\n') };
	} finally {
		log.mockRestore();
		error.mockRestore();
	}
}

describe('npm run import', () => {
	it('rejects 10,000 rows for one bad one, then loads the 9,999 with --skip-invalid and writes the bad one out', async () => {
		const header =
			'fecha,departamento,municipio,codigo_dane,cod_mpio,codigo_origen,arma_medio,genero,grupo_edad,cantidad';
		const rows = Array.from(
			{ length: 10_000 },
			(_, i) =>
				`2019-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1},NARIÑO,Tumaco,52835000,52835,fuente,ARMA DE FUEGO,MASCULINO,ADULTOS,${(i % 4) + 1}`
		);
		rows[7_000] = rows[7_000]!.replace(/,\d+$/, ',dos');
		const file = path.join(dir, 'homicidios.csv');
		fs.writeFileSync(file, [header, ...rows].join('\n'));

		const refused = await cli(['reports', file, '--mapping', 'policia-homicidios']);
		expect(refused.code).toBe(1);
		expect(refused.err).toContain('row 7002, column cantidad: "dos" is not a non-negative number');
		expect(refused.err).toContain('Nothing was stored.');
		expect(reports().n).toBe(0);

		const rejects = path.join(dir, 'rejected.csv');
		const loaded = await cli([
			'reports',
			file,
			'--mapping',
			'policia-homicidios',
			'--skip-invalid',
			'--rejects',
			rejects
		]);
		expect(loaded.code).toBe(0);
		expect(loaded.out).toContain('10,000 rows read, 9,999 reports stored');
		const expected = rows.reduce(
			(sum, row, i) => (i === 7_000 ? sum : sum + Number(row.split(',').at(-1))),
			0
		);
		expect(reports()).toEqual({ n: 9_999, victims: expected });
		const written = fs.readFileSync(rejects, 'utf8').trim().split('\n');
		expect(written).toHaveLength(2);
		expect(written[1]).toBe(`7002,cantidad,"""dos"" is not a non-negative number",${rows[7_000]}`);

		const again = await cli([
			'reports',
			file,
			'--mapping',
			'policia-homicidios',
			'--skip-invalid',
			'--rejects',
			rejects
		]);
		expect(again.out).toContain('0 reports stored, 9,999 already stored');
		expect(reports().n).toBe(9_999);

		const batches = await cli(['batches']);
		expect(batches.out).toMatch(/#1 .* policia-homicidios homicidios\.csv: 9999 reports/);
	});

	it('names an unknown mapping and lists the shipped ones', async () => {
		const result = await cli(['reports', 'x.csv', '--mapping', 'nope']);
		expect(result.code).toBe(1);
		expect(result.err).toMatch(/No shipped mapping "nope"\. Shipped: .*policia-homicidios/);
	});
});
