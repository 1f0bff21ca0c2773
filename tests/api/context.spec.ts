import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArmedGroupsFileError, loadArmedGroups } from '../../src/lib/server/context-layers/armed-groups';
import { addUser, createTestContext, sessionCookieFor } from './helpers';

/**
 * The armed-group presence layer (CEDE panel dummies FARC_, ELN_, AUC_, 1993–2013): loaded from
 * the panel's columns, and read through GET /api/context/armed-groups by restricted roles only,
 * providers inside their jurisdiction (Nariño, 52, here).
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
const cookies: Record<string, string> = {};

const HEADER = 'cod_mpio,codmpio,ano,o_desplaza,FARC_,ELN_,AUC_';

function write(name: string, lines: string[]): string {
	const file = path.join(ctx.dir, name);
	fs.writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
	return file;
}

beforeAll(async () => {
	ctx = createTestContext();
	const file = write('cede.csv.gz', [
		HEADER,
		'52835,52835,2012,900,1,0,0',
		'52835,52835,2013,1200,1,1,0',
		'52001,52001,2013,,0,0,0',
		'05001,05001,2013,10,0,0,1',
		'05001,05001,2003,10,1,0,1',
		// After 2013 the panel has no flags: no row, so no data (not "absent").
		'05120,05120,2014,75,,,',
		// A code the boundaries do not know is not stored.
		'99999,99999,2013,1,1,1,1'
	]);
	expect(await loadArmedGroups(ctx.db, file)).toEqual({ rows: 5, years: [2003, 2013] });
	for (const role of ['admin', 'planner', 'provider'] as const) {
		const jurisdiction = role === 'provider' ? { departments: ['52'] } : {};
		const { id } = await addUser(ctx.db, { email: `${role}@example.org`, role, jurisdiction });
		cookies[role] = sessionCookieFor(ctx.db, id);
	}
});
afterAll(() => ctx.cleanup());

async function get(url: string, role: string | null) {
	const res = await ctx.api.request(url, { headers: role ? { cookie: cookies[role]! } : {} });
	return { status: res.status, body: (await res.json()) as Json };
}

describe('armed-group presence, a context layer', () => {
	it('gives planners one year for the whole country, with its source and years', async () => {
		const { status, body } = await get('/api/context/armed-groups?year=2013', 'planner');
		expect(status).toBe(200);
		expect(body.years).toEqual({ from: 2003, to: 2013 });
		expect(body.source.attribution).toContain('CEDE');
		expect(body.source.note.es).toContain('no un conteo');
		expect(body.municipalities).toEqual([
			{ code: '05001', farc: false, eln: false, auc: true },
			{ code: '52001', farc: false, eln: false, auc: false },
			{ code: '52835', farc: true, eln: true, auc: false }
		]);
		// After the panel's last year, nothing: the layer does not claim absence.
		expect((await get('/api/context/armed-groups?year=2014', 'admin')).body.municipalities).toEqual([]);
	});

	it('gives a provider only the municipalities inside its jurisdiction', async () => {
		const { body } = await get('/api/context/armed-groups?year=2013', 'provider');
		expect(body.municipalities.map((m: Json) => m.code)).toEqual(['52001', '52835']);
		const series = await get('/api/context/armed-groups?municipality=52835', 'provider');
		expect(series.status).toBe(200);
		expect(series.body.series).toEqual([
			{ year: 2012, farc: true, eln: false, auc: false },
			{ year: 2013, farc: true, eln: true, auc: false }
		]);
		const outside = await get('/api/context/armed-groups?municipality=05001', 'provider');
		expect(outside.status).toBe(403);
		expect(outside.body.error.code).toBe('outside_jurisdiction');
	});

	it('is not public, and asks for a year or a municipality', async () => {
		const anonymous = await get('/api/context/armed-groups?year=2013', null);
		expect(anonymous.status).toBe(401);
		expect(JSON.stringify(anonymous.body)).not.toContain('52835');
		expect((await get('/api/context/armed-groups', 'planner')).status).toBe(400);
		expect((await get('/api/context/armed-groups?year=2013&municipality=52835', 'planner')).status).toBe(400);
		expect((await get('/api/context/armed-groups?year=abc', 'planner')).status).toBe(400);
	});

	it('refuses a file whose flags are not 0 or 1, and keeps what was loaded', async () => {
		const bad = write('bad.csv.gz', [HEADER, '52835,52835,2013,1,2,0,0']);
		await expect(loadArmedGroups(ctx.db, bad)).rejects.toThrow(ArmedGroupsFileError);
		await expect(loadArmedGroups(ctx.db, bad)).rejects.toThrow(/line 2: FARC_, ELN_ and AUC_ must be 0 or 1/);
		const none = write('none.csv.gz', [HEADER, '52835,52835,2015,1,,,']);
		await expect(loadArmedGroups(ctx.db, none)).rejects.toThrow(/no presence flags/);
		expect(ctx.db.prepare('SELECT count(*) FROM armed_group_presence').pluck().get()).toBe(5);
	});
});
