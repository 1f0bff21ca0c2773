import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDialogues } from '../../src/lib/server/dialogues/seed';
import { addUser, createTestContext, loginAs } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
const get = async (url: string, cookie?: string) => {
	const res = await ctx.api.request(url, cookie ? { headers: { cookie } } : {});
	return { status: res.status, body: (await res.json()) as Json };
};

beforeAll(() => {
	ctx = createTestContext();
});
afterAll(() => ctx.cleanup());

describe('dialogues and the prevention page', () => {
	it('seeds the 2021 Resilience Dialogues once, with their issues and unknown dates', async () => {
		// The test boundaries hold two of the ten municipalities: Cáceres and Tumaco.
		expect(seedDialogues(ctx.db)).toBe(2);
		expect(seedDialogues(ctx.db)).toBe(0);
		const { body } = await get('/api/dialogues?year=2021&municipality=52835');
		expect(body.dialogues).toEqual([
			expect.objectContaining({
				programme: 'resilience-dialogues',
				year: 2021,
				date: null,
				place: null,
				issues: ['illicit-crops', 'forced-recruitment', 'threats-to-leaders']
			})
		]);
		expect(body.dialogues[0]).not.toHaveProperty('summary');
	});

	it('never publishes a sensitive meeting place, and derives overdue commitments', async () => {
		const id = (
			ctx.db.prepare("SELECT id FROM dialogues WHERE municipality_code = '05120'").get() as { id: number }
		).id;
		ctx.db
			.prepare('UPDATE dialogues SET lon = -75.35, lat = 7.58, place_sensitive = 1, summary = ? WHERE id = ?')
			.run('acta', id);
		ctx.db
			.prepare(
				`INSERT INTO commitments (dialogue_id, institution, action, due_date, status) VALUES
				 (?, 'Alcaldía', 'Iluminar el parque', '2021-01-31', 'open'), (?, 'Policía', 'Ronda escolar', '2021-02-28', 'done')`
			)
			.run(id, id);
		const publicView = await get('/api/dialogues?municipality=05120');
		expect(publicView.body.dialogues[0].place).toBeNull();
		await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const restricted = await get('/api/dialogues?municipality=05120', cookie!);
		expect(restricted.body.dialogues[0]).toMatchObject({
			place: { lon: -75.35, lat: 7.58 },
			summary: 'acta'
		});

		const page = await get('/api/municipalities/05120/prevention');
		expect(page.status).toBe(200);
		expect(page.body.issues.map((i: Json) => i.id)).toEqual([
			'gender-based-violence',
			'forced-displacement',
			'forced-recruitment'
		]);
		expect(page.body.commitments).toEqual({ total: 2, shareDone: 0.5 });
		expect(page.body.dialogues).toEqual([expect.objectContaining({ year: 2021, date: null })]);
		expect((await get('/api/municipalities/99999/prevention')).status).toBe(404);
	});
});

describe('editing dialogues and following commitments', () => {
	const post = async (url: string, cookie: string, body: unknown) => {
		const res = await ctx.api.request(url, {
			method: 'POST',
			headers: { cookie, origin: 'http://localhost', 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		return { status: res.status, body: (await res.json()) as Json };
	};
	const count = () => (ctx.db.prepare('SELECT count(*) AS n FROM dialogues').get() as { n: number }).n;

	it('names the field of a wrong date or an unknown municipality, and saves nothing', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const before = count();
		const base = {
			programme: 'citizen-security-dialogues',
			title: 'Diálogo con la Policía',
			municipality: '52835',
			date: '2022-03-15'
		};
		const wrongDate = await post('/api/dialogues', cookie!, { ...base, date: '15/03/2022' });
		expect(wrongDate.status).toBe(400);
		expect(wrongDate.body.error.details).toEqual({ date: 'YYYY-MM-DD, or YYYY when only the year is known' });
		const unknown = await post('/api/dialogues', cookie!, { ...base, municipality: '99999' });
		expect(unknown.body.error.details).toEqual({ municipality: 'no municipality has the code 99999' });
		expect(count()).toBe(before);
		expect((await post('/api/dialogues', '', base)).status).toBe(401);

		const created = await post('/api/dialogues', cookie!, { ...base, issues: ['extortion'] });
		expect(created.status).toBe(201);
		expect(count()).toBe(before + 1);
		const audited = ctx.db
			.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'dialogues.create'")
			.get();
		expect(audited).toEqual({ n: 1 });
	});

	it('shows a commitment past its due date as overdue, and exports commitments safely', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const id = (
			ctx.db.prepare("SELECT id FROM dialogues WHERE title = 'Diálogo con la Policía'").get() as {
				id: number;
			}
		).id;
		const late = await post(`/api/dialogues/${id}/commitments`, cookie!, {
			institution: '=cmd|calc',
			action: 'Patrullaje rural',
			dueDate: '2022-04-30'
		});
		expect(late.status).toBe(201);
		const list = await get('/api/commitments?municipality=52835', cookie!);
		expect(list.body.commitments).toEqual([
			expect.objectContaining({ institution: '=cmd|calc', status: 'overdue' })
		]);
		expect(
			(await get('/api/commitments?status=overdue', cookie!)).body.commitments.length
		).toBeGreaterThanOrEqual(2);
		expect((await get('/api/commitments')).status).toBe(401);

		const res = await ctx.api.request('/api/commitments?format=csv&municipality=52835', {
			headers: { cookie: cookie! }
		});
		const csv = await res.text();
		expect(csv.split('\r\n')[1]).toContain(",'=cmd|calc,Patrullaje rural,2022-04-30,overdue");
		expect((await get('/api/municipalities/52835/prevention')).body.commitments).toEqual({
			total: 1,
			shareDone: 0
		});
	});
});

describe('importing dialogues from CSV', () => {
	it('rejects the file for one bad row, naming it, and adds the good file once', async () => {
		const fs = await import('node:fs');
		const path = await import('node:path');
		const { importDialoguesCsv } = await import('../../src/lib/server/dialogues/import');
		const header = 'programme,title,municipality,date,issues,summary';
		const before = (ctx.db.prepare('SELECT count(*) AS n FROM dialogues').get() as { n: number }).n;
		const bad = path.join(ctx.dir, 'dialogues-bad.csv');
		fs.writeFileSync(
			bad,
			[
				header,
				'other,Mesa de seguridad,52001,2022-05-10,extortion;homicide,',
				'other,Mesa rural,52356,10/05/2022,,'
			].join('\n')
		);
		const error = (await importDialoguesCsv(ctx.db, bad).catch((e: unknown) => e)) as { problems: unknown[] };
		expect(error.problems).toEqual([
			{ row: 3, column: 'date', reason: 'YYYY-MM-DD, or YYYY when only the year is known' }
		]);
		expect((ctx.db.prepare('SELECT count(*) AS n FROM dialogues').get() as { n: number }).n).toBe(before);

		const good = path.join(ctx.dir, 'dialogues.csv');
		fs.writeFileSync(
			good,
			[header, 'other,Mesa de seguridad,52001,2022-05-10,extortion;homicide,'].join('\n')
		);
		expect(await importDialoguesCsv(ctx.db, good)).toEqual({ rows: 1, added: 1 });
		expect(await importDialoguesCsv(ctx.db, good)).toEqual({ rows: 1, added: 0 });
		const { body } = await get('/api/dialogues?municipality=52001');
		expect(body.dialogues[0]).toMatchObject({ date: '2022-05-10', issues: ['extortion', 'homicide'] });
	});
});

describe('follow-up and booklets', () => {
	it('updates a commitment with a dated note, and publishes a booklet’s steps', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const send = async (method: string, url: string, body: unknown) =>
			ctx.api.request(url, {
				method,
				headers: { cookie: cookie!, origin: 'http://localhost', 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		const id = (
			ctx.db.prepare("SELECT id FROM commitments WHERE action = 'Patrullaje rural'").get() as { id: number }
		).id;
		expect(
			(await send('PATCH', `/api/commitments/${id}`, { status: 'done', note: 'Patrullas cada semana' }))
				.status
		).toBe(200);
		expect((await get('/api/commitments?municipality=52835', cookie!)).body.commitments[0].status).toBe(
			'done'
		);
		expect(ctx.db.prepare('SELECT note FROM commitment_notes WHERE commitment_id = ?').get(id)).toEqual({
			note: 'Patrullas cada semana'
		});

		const missingSteps = await send('POST', '/api/booklets', {
			municipality: '52835',
			problem: 'Reclutamiento de menores',
			steps: []
		});
		expect(((await missingSteps.json()) as Json).error.details).toEqual({
			steps: 'at least one prevention step'
		});
		const ok = await send('POST', '/api/booklets', {
			municipality: '52835',
			problem: 'Reclutamiento de menores',
			steps: ['Rutas de protección en las escuelas', 'Espacios culturales para jóvenes']
		});
		expect(ok.status).toBe(201);
		const page = await get('/api/municipalities/52835/prevention');
		expect(page.body.booklets).toEqual([
			{
				problem: 'Reclutamiento de menores',
				steps: ['Rutas de protección en las escuelas', 'Espacios culturales para jóvenes'],
				resources: null
			}
		]);
		expect(page.body.commitments).toEqual({ total: 1, shareDone: 1 });
	});
});
