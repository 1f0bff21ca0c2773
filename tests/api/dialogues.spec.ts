import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDialogues } from '../../src/lib/server/dialogues/seed';
import { createServices } from '../../src/lib/server/services';
import { commandLineViewer, PUBLIC_VIEWER } from '../../src/lib/server/viewer';
import { addUser, createTestContext, loginAs, TEST_SCRYPT } from './helpers';

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

describe('editing, deleting and Spanish messages', () => {
	const send = async (method: string, url: string, cookie: string, body?: unknown, language?: string) => {
		const res = await ctx.api.request(url, {
			method,
			headers: {
				cookie,
				origin: 'http://localhost',
				'content-type': 'application/json',
				...(language ? { 'accept-language': language } : {})
			},
			...(body === undefined ? {} : { body: JSON.stringify(body) })
		});
		return { status: res.status, body: (await res.json()) as Json };
	};
	const base = {
		programme: 'other',
		title: 'Mesa de convivencia',
		municipality: '52356',
		date: '2022-08-01',
		issues: ['extortion']
	};

	it('answers a Spanish caller in Spanish, for our messages and zod’s own', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const wrong = await send(
			'POST',
			'/api/dialogues',
			cookie!,
			{ ...base, date: '1/8/2022', programme: 7 },
			'es-CO'
		);
		expect(wrong.status).toBe(400);
		expect(wrong.body.error.details.date).toBe('AAAA-MM-DD, o AAAA si solo se conoce el año');
		expect(wrong.body.error.details.programme).toMatch(/^Opción inválida/);
		const unknown = await send('POST', '/api/dialogues', cookie!, { ...base, municipality: '99999' }, 'es');
		expect(unknown.body.error.details).toEqual({ municipality: 'ningún municipio tiene el código 99999' });
	});

	it('edits a dialogue (audited), refuses a wrong edit whole, and deletes it with its commitments', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const created = await send('POST', '/api/dialogues', cookie!, base);
		expect(created.status).toBe(201);
		const id = created.body.id as number;
		await send('POST', `/api/dialogues/${id}/commitments`, cookie!, {
			institution: 'Personería',
			action: 'Mesa mensual'
		});

		const edited = await send('PUT', `/api/dialogues/${id}`, cookie!, {
			...base,
			title: 'Mesa de convivencia de Ipiales',
			issues: ['extortion', 'homicide']
		});
		expect(edited.status).toBe(200);
		const stored = (await get('/api/dialogues?municipality=52356', cookie!)).body.dialogues[0];
		expect(stored).toMatchObject({
			title: 'Mesa de convivencia de Ipiales',
			issues: ['extortion', 'homicide']
		});

		const bad = await send('PUT', `/api/dialogues/${id}`, cookie!, {
			...base,
			title: 'x',
			date: '2022-02-30'
		});
		expect(bad.status).toBe(400);
		expect(Object.keys(bad.body.error.details).sort()).toEqual(['date', 'title']);
		expect((await get('/api/dialogues?municipality=52356', cookie!)).body.dialogues[0].title).toBe(
			'Mesa de convivencia de Ipiales'
		);
		expect((await send('PUT', '/api/dialogues/999999', cookie!, base)).status).toBe(404);

		expect((await send('DELETE', `/api/dialogues/${id}`, cookie!)).status).toBe(200);
		expect((await get('/api/dialogues?municipality=52356', cookie!)).body.dialogues).toEqual([]);
		expect(ctx.db.prepare('SELECT count(*) AS n FROM commitments WHERE dialogue_id = ?').get(id)).toEqual({
			n: 0
		});
		expect((await send('DELETE', `/api/dialogues/${id}`, cookie!)).status).toBe(404);
		const actions = ctx.db
			.prepare('SELECT action FROM audit_log WHERE target = ? ORDER BY id')
			.pluck()
			.all(`dialogue:${id}`);
		expect(actions).toEqual(['dialogues.create', 'dialogues.update', 'dialogues.delete']);
	});
});

describe('the dialogues service, as the API, the pages and the command line call it', () => {
	it('scopes commitments to a provider’s jurisdiction', async () => {
		await addUser(ctx.db, {
			email: 'policia.narino@example.org',
			role: 'provider',
			jurisdiction: { departments: ['52'], municipalities: [] }
		});
		const provider = await loginAs(ctx.api, 'policia.narino@example.org');
		const planner = await loginAs(ctx.api, 'planner@example.org');
		const codes = async (cookie: string) =>
			new Set(
				((await get('/api/commitments', cookie)).body.commitments as Json[]).map((c) => c.code as string)
			);
		expect(await codes(planner.cookie!)).toContain('05120');
		const narino = await codes(provider.cookie!);
		expect(narino.size).toBeGreaterThan(0);
		expect([...narino].every((code) => code.startsWith('52'))).toBe(true);
	});

	it('refuses writes to the public, and audits the command line as itself', () => {
		const { dialogues } = createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
		const input = {
			programme: 'other' as const,
			title: 'Mesa desde la consola',
			municipality: '52001',
			date: '2023',
			place: null,
			placeSensitive: true,
			participants: { community: null, institutions: null, publicForce: null, women: null, men: null },
			issues: [],
			summary: null
		};
		expect(() => dialogues.create(PUBLIC_VIEWER, input, 'en')).toThrow(
			expect.objectContaining({ code: 'forbidden' })
		);
		const { id } = dialogues.create(commandLineViewer(), input, 'en');
		// The latest entry for it: SQLite reuses the id of a dialogue deleted above.
		const entry = ctx.db
			.prepare(
				'SELECT actor_id AS actorId, actor_email AS email FROM audit_log WHERE target = ? ORDER BY id DESC'
			)
			.get(`dialogue:${id}`);
		expect(entry).toEqual({ actorId: null, email: expect.stringMatching(/^cli:/) });
		expect(() => dialogues.create(commandLineViewer(), input, 'en')).toThrow(
			expect.objectContaining({ code: 'conflict' })
		);
		expect(() =>
			dialogues.addCommitment(commandLineViewer(), 999_999, {
				institution: 'Alcaldía',
				action: 'Mesa mensual',
				dueDate: null,
				status: 'open'
			})
		).toThrow(expect.objectContaining({ code: 'not_found' }));
	});
});

describe('importing booklets and commitments from CSV', () => {
	it('stores each file whole or not at all, checking municipalities and dialogues', async () => {
		const fs = await import('node:fs');
		const path = await import('node:path');
		const { importBookletsCsv, importCommitmentsCsv } = await import('../../src/lib/server/dialogues/import');
		const dialogue = (
			ctx.db.prepare("SELECT id FROM dialogues WHERE municipality_code = '52835'").get() as { id: number }
		).id;
		const write = (name: string, lines: string[]) => {
			const file = path.join(ctx.dir, name);
			fs.writeFileSync(file, lines.join('\n'));
			return file;
		};
		const count = (table: string) => ctx.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
		const [booklets, commitments] = [count('booklets'), count('commitments')];

		const badBooklets = write('booklets-bad.csv', [
			'municipality,problem,steps,resources,dialogue',
			'52835,Microtráfico cerca de colegios,Rutas seguras;Padres vigías,,' + dialogue,
			'99999,Extorsión,Denunciar al 165,,',
			'52001,Reclutamiento,,,',
			'52001,Minas,Señalizar caminos,,424242'
		]);
		const rejected = (await importBookletsCsv(ctx.db, badBooklets).catch((e: unknown) => e)) as {
			problems: unknown[];
		};
		expect(rejected.problems).toEqual([
			{ row: 3, column: 'municipality', reason: 'no municipality has the code 99999' },
			{ row: 4, column: 'steps', reason: 'at least one prevention step' },
			{ row: 5, column: 'dialogue', reason: 'no dialogue has the id 424242' }
		]);
		expect(count('booklets')).toBe(booklets);
		const goodBooklets = write('booklets.csv', [
			'municipality,problem,steps',
			'52835,Microtráfico cerca de colegios,Rutas seguras; Padres vigías'
		]);
		expect(await importBookletsCsv(ctx.db, goodBooklets)).toEqual({ rows: 1, added: 1 });
		expect(
			ctx.db
				.prepare("SELECT steps FROM booklets WHERE problem = 'Microtráfico cerca de colegios'")
				.pluck()
				.get()
		).toBe('["Rutas seguras","Padres vigías"]');

		const badCommitments = write('commitments-bad.csv', [
			'dialogue,institution,action,due_date,status',
			`${dialogue},Alcaldía,Alumbrado en la vereda,2022-09-30,in_progress`,
			`abc,Policía,Patrullaje,,`,
			`${dialogue},Fiscalía,Jornada de denuncia,30/09/2022,`,
			`${dialogue},Ejército,Desminado,,overdue`
		]);
		const refused = (await importCommitmentsCsv(ctx.db, badCommitments).catch((e: unknown) => e)) as {
			problems: { row: number; column: string }[];
		};
		expect(refused.problems.map((p) => [p.row, p.column])).toEqual([
			[3, 'dialogue'],
			[4, 'dueDate'],
			[5, 'status']
		]);
		expect(count('commitments')).toBe(commitments);
		const missingColumn = write('commitments-columns.csv', ['dialogue,action', `${dialogue},Algo`]);
		await expect(importCommitmentsCsv(ctx.db, missingColumn)).rejects.toThrow(/no column "institution"/);
		const goodCommitments = write('commitments.csv', [
			'dialogue,institution,action,due_date',
			`${dialogue},Alcaldía,Alumbrado en la vereda,2022-09-30`
		]);
		expect(await importCommitmentsCsv(ctx.db, goodCommitments)).toEqual({ rows: 1, added: 1 });
		expect(count('commitments')).toBe(commitments + 1);
	});
});

describe('uploading dialogue tables from the browser', () => {
	it('imports commitments through the upload job, rejects a bad file whole, and audits it', async () => {
		const { cookie } = await loginAs(ctx.api, 'planner@example.org');
		const dialogue = ctx.db
			.prepare("SELECT id FROM dialogues WHERE municipality_code = '52835'")
			.pluck()
			.get();
		const upload = async (lines: string[]) => {
			const res = await ctx.api.request('/api/imports?mapping=commitments&fileName=c.csv', {
				method: 'POST',
				headers: { cookie: cookie!, origin: 'http://localhost' },
				body: lines.join('\n')
			});
			expect(res.status).toBe(202);
			let job = ((await res.json()) as Json).job;
			for (let i = 0; i < 100 && (job.status === 'queued' || job.status === 'running'); i++) {
				await new Promise((r) => setTimeout(r, 20));
				job = (await get(`/api/imports/jobs/${job.id}`, cookie!)).body.job;
			}
			return job;
		};
		const before = ctx.db.prepare('SELECT count(*) FROM commitments').pluck().get() as number;
		const rejected = await upload([
			'dialogue,institution,action',
			`${dialogue},Gobernación,Casa de la juventud`,
			`${dialogue},,Sin institución`
		]);
		expect(rejected.status).toBe('rejected');
		expect(rejected.error.problems).toEqual([{ row: 3, column: 'institution', reason: expect.any(String) }]);
		expect(ctx.db.prepare('SELECT count(*) FROM commitments').pluck().get()).toBe(before);

		const done = await upload(['dialogue,institution,action', `${dialogue},Gobernación,Casa de la juventud`]);
		expect(done.status).toBe('done');
		expect(done.result).toEqual({ table: 'commitments', stored: 1, rowsRead: 1 });
		expect(ctx.db.prepare('SELECT count(*) FROM commitments').pluck().get()).toBe(before + 1);
		expect(
			ctx.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'commitments.import'").pluck().get()
		).toBe(1);
	});
});
