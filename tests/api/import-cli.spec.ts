import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runImportCli } from '../../scripts/import';
import type { AuditEntryView } from '../../src/lib/schemas/users';
import { createApi } from '../../src/lib/server/api/app';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { commandLineViewer } from '../../src/lib/server/viewer';
import { addUser, seedBoundaries, sessionCookieFor, TEST_SCRYPT } from './helpers';

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

describe('the command line in the audit log', () => {
	/** The audit entries of one action, as an admin reads them through `GET /api/audit`. */
	async function audited(action: string): Promise<AuditEntryView[]> {
		const db = openDatabase(process.env.RESILIENCIA_DB!);
		try {
			const admin =
				(db.prepare("SELECT id FROM users WHERE email = 'admin@example.org'").pluck().get() as
					number | undefined) ?? (await addUser(db, { email: 'admin@example.org', role: 'admin' })).id;
			const api = createApi({ db, config: loadConfig(), testOnlyScrypt: TEST_SCRYPT });
			const res = await api.request(`/api/audit?action=${action}`, {
				headers: { cookie: sessionCookieFor(db, admin) }
			});
			expect(res.status).toBe(200);
			return ((await res.json()) as { entries: AuditEntryView[] }).entries;
		} finally {
			db.close();
		}
	}
	const cliActor = { id: null, email: commandLineViewer().actor!.email };

	it('audits an import and a batch deletion as cli:<user>, like the same actions over HTTP', async () => {
		expect(cliActor.email).toMatch(/^cli:./);
		const file = path.join(dir, 'pasto.csv');
		fs.writeFileSync(
			file,
			[
				'fecha,departamento,municipio,codigo_dane,cod_mpio,codigo_origen,arma_medio,genero,grupo_edad,cantidad',
				'2021-04-02,NARIÑO,Pasto (CT),52001000,52001,fuente,ARMA DE FUEGO,MASCULINO,ADULTOS,3',
				'2021-05-02,NARIÑO,Pasto (CT),52001000,52001,fuente,ARMA DE FUEGO,FEMENINO,ADULTOS,1'
			].join('\n')
		);
		const loaded = await cli(['reports', file, '--mapping', 'policia-homicidios']);
		expect(loaded.code).toBe(0);
		const batch = Number(/Batch #(\d+)/.exec(loaded.out)?.[1]);
		expect(batch).toBeGreaterThan(1);

		const imports = await audited('reports.import');
		expect(imports.find((e) => e.target === `batch:${batch}`)).toMatchObject({
			actor: cliActor,
			ip: null,
			details: { mapping: 'policia-homicidios', file: 'pasto.csv', inserted: 2, duplicate: 0, rejected: 0 }
		});

		const before = reports().n;
		const deleted = await cli(['delete-batch', String(batch)]);
		expect(deleted.code).toBe(0);
		expect(deleted.out).toContain(`Deleted batch #${batch} and its 2 reports`);
		expect(reports().n).toBe(before - 2);
		expect(await audited('reports.delete')).toEqual([
			expect.objectContaining({ actor: cliActor, target: `batch:${batch}`, details: { reports: 2 } })
		]);

		// A batch that is not there: refused, and nothing audited.
		await expect(cli(['delete-batch', String(batch)])).rejects.toThrow(`No import batch ${batch}`);
		expect(await audited('reports.delete')).toHaveLength(1);
	});

	it("audits a table import (the leaders' survey) with the same action as the upload", async () => {
		const file = path.join(dir, 'survey.csv');
		fs.writeFileSync(
			file,
			[
				'municipality,respondent,sector,sex,area,wave,question,value',
				'52001,C001,youth,F,rural,2021-04,rural-safety,2',
				'52001,C002,youth,M,urban,2021-04,trust:police,4'
			].join('\n')
		);
		const result = await cli(['survey', file]);
		expect(result.code).toBe(0);
		expect(result.out).toContain('2 rows read, 2 answers stored');
		expect(await audited('surveys.import')).toEqual([
			expect.objectContaining({ actor: cliActor, target: 'survey.csv', details: { rows: 2, stored: 2 } })
		]);
	});

	it('audits a refused file as a rejection, not as an import', async () => {
		const file = path.join(dir, 'survey-bad.csv');
		fs.writeFileSync(
			file,
			[
				'municipality,respondent,sector,sex,area,wave,question,value',
				'52001,C003,youth,F,rural,2021-04,trust:police,7'
			].join('\n')
		);
		const result = await cli(['survey', file]);
		expect(result.code).toBe(1);
		expect(result.err).toContain('Nothing was stored.');
		expect(await audited('surveys.import')).toHaveLength(1);
		expect(await audited('surveys.import_rejected')).toEqual([
			expect.objectContaining({
				actor: cliActor,
				target: 'survey-bad.csv',
				details: expect.objectContaining({
					mapping: 'survey',
					code: 'import_rejected',
					problemCount: 1,
					firstProblem: expect.objectContaining({ row: 2, column: 'value' })
				})
			})
		]);
	});

	it('refuses a file past a limit the flags set, naming the limit, and audits the refusal', async () => {
		const file = path.join(dir, 'survey-long.csv');
		const row = '52001,C004,youth,F,rural,2021-04,trust:police,3';
		fs.writeFileSync(
			file,
			['municipality,respondent,sector,sex,area,wave,question,value', row, row, row].join('\n')
		);
		const result = await cli(['survey', file, '--max-rows', '2']);
		expect(result.code).toBe(1);
		expect(result.err).toContain('The file has more than 2 rows; the limit is RESILIENCIA_IMPORT_MAX_ROWS');
		expect(result.err).toContain('Nothing was stored.');
		expect(await audited('surveys.import_rejected')).toEqual([
			expect.objectContaining({ details: expect.objectContaining({ code: 'too_large' }) }),
			expect.objectContaining({ target: 'survey-bad.csv' })
		]);
		await expect(cli(['survey', file, '--max-rows', 'many'])).rejects.toThrow(
			'--max-rows must be a whole number of at least 1, not "many"'
		);
	});
});
