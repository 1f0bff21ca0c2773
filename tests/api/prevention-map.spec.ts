import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../src/lib/server/api/app';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase, type DB } from '../../src/lib/server/db/connection';
import { fixtureMunicipalities, seedFixture } from '../../src/lib/server/release/fixture';
import { createServices } from '../../src/lib/server/services';
import { addUser, loginAs, TEST_SCRYPT } from './helpers';

/**
 * The public prevention map's data (issue 19, part 5): GET /api/public/prevention is the index of
 * the municipalities with prevention facts, each entry exactly the release's facts that
 * /api/municipalities/:code/prevention answers; no dialogue's place, summary or participants
 * reach it; and GET /api/stats/extent for the public is the release's, not the statistics index's.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SEED = 19;
const SECRET_SUMMARY = 'Reunión en la casa de Doña Rosa Pérez, vereda El Secreto';
const SECRET_PLACE = { lon: -75.123456, lat: 6.654321 };

describe('the public prevention index', () => {
	let work: string;
	let db: DB;
	let services: ReturnType<typeof createServices>;
	let api: ReturnType<typeof createApi>;
	let planner: string;
	const [first, second, third] = fixtureMunicipalities();
	const get = async (url: string, headers: Record<string, string> = {}) => {
		const res = await api.request(url, { headers });
		return { res, status: res.status, body: (await res.json()) as Json };
	};

	function dialogue(code: string, title: string, issues: string[]): number {
		const id = Number(
			db
				.prepare(
					`INSERT INTO dialogues (programme, title, municipality_code, lon, lat, place_sensitive, date, year,
						participants_community, participants_women, summary, source)
					 VALUES ('resilience-dialogues', ?, ?, ?, ?, 1, '2024-03-05', 2024, 41, 23, ?, 'test')`
				)
				.run(title, code, SECRET_PLACE.lon, SECRET_PLACE.lat, SECRET_SUMMARY).lastInsertRowid
		);
		issues.forEach((category, rank) =>
			db
				.prepare('INSERT INTO dialogue_issues (dialogue_id, category, rank) VALUES (?, ?, ?)')
				.run(id, category, rank)
		);
		return id;
	}

	beforeAll(async () => {
		work = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-prevention-map-'));
		const config = loadConfig({
			RESILIENCIA_DB: path.join(work, 'test.db'),
			RESILIENCIA_BUILD_DIR: path.join(work, 'build')
		});
		db = openDatabase(config.databaseFile);
		seedFixture(db, SEED);
		const a = dialogue(first!.code, 'Diálogo de prueba A', ['extortion', 'threats-to-leaders']);
		dialogue(second!.code, 'Diálogo de prueba B', ['extortion']);
		const commitment = db.prepare(
			"INSERT INTO commitments (dialogue_id, institution, action, status) VALUES (?, 'Alcaldía', ?, ?)"
		);
		commitment.run(a, 'Iluminar el parque', 'done');
		commitment.run(a, 'Mesa mensual con la Policía', 'open');
		db.prepare(
			"INSERT INTO booklets (municipality_code, problem, steps) VALUES (?, 'Extorsión', '[\"Denunciar al 165\"]')"
		).run(third!.code);
		services = createServices({ db, config, testOnlyScrypt: TEST_SCRYPT });
		api = createApi({ db, config, services });
		await addUser(db, { email: 'planner@example.org', role: 'planner' });
		planner = (await loginAs(api, 'planner@example.org')).cookie!;
	});
	afterAll(() => {
		db.close();
		fs.rmSync(work, { recursive: true, force: true });
	});

	it('lists every municipality with a dialogue or a booklet, each entry its prevention page', async () => {
		const { status, body, res } = await get('/api/public/prevention');
		expect(status).toBe(200);
		const release = services.release.current();
		expect(body.release).toBe(release.version);
		expect(res.headers.get('x-release')).toBe(String(release.version));
		expect(res.headers.get('etag')).toMatch(/^"r\d+-[\w-]+"$/);

		const codes = (body.municipalities as Json[]).map((m) => m.municipality.code);
		expect([...codes].sort()).toEqual([first!.code, second!.code, third!.code].sort());
		// Each entry is the release's facts, exactly what the municipality's page answers.
		for (const entry of body.municipalities as Json[]) {
			const code = entry.municipality.code as string;
			expect(entry).toEqual(JSON.parse(JSON.stringify(release.facts.prevention[code])));
			const { release: version, ...page } = (await get(`/api/municipalities/${code}/prevention`)).body;
			expect(version).toBe(release.version);
			expect(entry).toEqual(page);
		}
		const a = (body.municipalities as Json[]).find((m) => m.municipality.code === first!.code)!;
		expect(a.issues.map((i: Json) => i.id)).toEqual(['extortion', 'threats-to-leaders']);
		expect(a.commitments).toEqual({ total: 2, shareDone: 0.5 });
		// The released figures, as the release's cells publish them (a count, or "1–10").
		const homicide = release.blocks.get('homicide')!;
		const fig = a.figures.find((f: Json) => f.category === 'homicide');
		const cell =
			homicide.values[
				homicide.areas.indexOf('municipality', first!.code) * homicide.grid.size +
					homicide.grid.indexOf(String(fig.year))
			];
		if (cell === -1) expect(fig).toMatchObject({ value: null, display: '1–10' });
		else expect(fig).toMatchObject({ value: cell, display: null });

		// The filter's issues, with how many listed municipalities named each.
		expect(body.issues.map((i: Json) => [i.id, i.municipalities])).toEqual([
			['extortion', 2],
			['threats-to-leaders', 1]
		]);
		expect(body.rules).toMatchObject({ smallCell: { min: 1, max: 10 }, perturbation: { maxAbs: 5 } });
		expect(body.rules.sensitiveCategories).toContain('threats-to-leaders');
	});

	it('carries no meeting place, summary, participant count or other restricted field', async () => {
		const text = JSON.stringify((await get('/api/public/prevention')).body);
		expect(text).not.toContain('Rosa');
		expect(text).not.toContain('Secreto');
		expect(text).not.toContain(String(SECRET_PLACE.lon));
		expect(text).not.toContain(String(SECRET_PLACE.lat));
		// No such key anywhere (a municipality's own name is public; its keys are checked below).
		expect(text).not.toMatch(
			/"(summary|place\w*|lon|lat|participants\w*|source|institution|action|notes?)":/
		);
		const body = (await get('/api/public/prevention')).body;
		for (const m of body.municipalities as Json[]) {
			expect(Object.keys(m.municipality)).toEqual(['code', 'name', 'department']);
			for (const d of m.dialogues as Json[])
				expect(Object.keys(d)).toEqual(['programme', 'title', 'year', 'date']);
		}
	});

	it('is the same public content for a signed-in planner, sent as their own answer', async () => {
		const anonymous = await get('/api/public/prevention');
		const signedIn = await get('/api/public/prevention', { cookie: planner });
		expect(signedIn.status).toBe(200);
		expect(signedIn.body).toEqual(anonymous.body);
		expect(signedIn.res.headers.get('etag')).toBeNull();
	});

	it('follows a change: a commitment marked done is in the next release’s index', async () => {
		const before = (await get('/api/public/prevention')).body;
		db.prepare("UPDATE commitments SET status = 'done' WHERE action = 'Mesa mensual con la Policía'").run();
		const after = (await get('/api/public/prevention')).body;
		expect(after.release).toBe(before.release + 1);
		expect(after.municipalities.find((m: Json) => m.municipality.code === first!.code).commitments).toEqual({
			total: 2,
			shareDone: 1
		});
	});

	it('answers the public extent from the release, and a planner’s from the statistics index', async () => {
		const spy = vi.spyOn(services.deps.stats, 'extent');
		const { body, res } = await get('/api/stats/extent');
		expect(spy).not.toHaveBeenCalled();
		const release = services.release.current();
		expect(body.release).toBe(release.version);
		expect(res.headers.get('etag')).toMatch(/^"r\d+-/);
		expect(body.categories).toEqual(release.facts.extents);
		expect(body.attributions).toEqual(release.facts.attributions);
		const months = Object.values(release.facts.extents);
		expect(body.from).toBe(months.map((e) => e.from).sort()[0]);
		expect(body.to).toBe(
			months
				.map((e) => e.to)
				.sort()
				.at(-1)
		);
		const own = (await get('/api/stats/extent', { cookie: planner })).body;
		expect(spy).toHaveBeenCalled();
		expect(own.release).toBeUndefined();
		expect(Object.keys(own.categories).sort()).toEqual(Object.keys(body.categories).sort());
		spy.mockRestore();
	});
});
