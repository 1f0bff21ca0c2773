import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/lib/domain/random';
import { HexagonQuery, StatsParams, SummaryQuery, TimeseriesQuery } from '../../src/lib/schemas/reports';
import { EmergingHotSpotsParams, PatrolParams, SpatialParams } from '../../src/lib/schemas/analysis';
import { createAnalysisService } from '../../src/lib/server/analysis/service';
import { loadSessionUser } from '../../src/lib/server/auth/users';
import { createDialogueService } from '../../src/lib/server/dialogues/service';
import { seedDialogues } from '../../src/lib/server/dialogues/seed';
import type { ReleaseService } from '../../src/lib/server/release/service';
import { createReportService } from '../../src/lib/server/reports/service';
import { bumpReportsVersion } from '../../src/lib/server/reports/version';
import { scopeOf } from '../../src/lib/server/scope';
import { createServices, type ServiceDeps } from '../../src/lib/server/services';
import { hexagons } from '../../src/lib/server/stats/hexagons';
import { PUBLIC_VIEWER, viewerFor, type Viewer } from '../../src/lib/server/viewer';
import { addUser, createTestContext, TEST_SCRYPT } from './helpers';

/**
 * Scope by construction (issue 14): every answer a provider scoped to Nariño (52) gets is a
 * function only of exact data inside Nariño and of the public release. The tests change exact
 * OUTSIDE data (reports, a sensitive dialogue's place and summary, commitments), rebuild the
 * statistics index, keep the SAME release object, and require every answer to stay identical;
 * changing INSIDE data must change some answer, so that the comparison can fail.
 *
 * The test country (helpers.ts) gains Cauca and Putumayo municipalities bordering Nariño, so that
 * border statistics have outside neighbours: Guapi touches Tumaco, Mercaderes and Mocoa touch
 * Pasto, Mocoa touches Ipiales.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const INSIDE = ['52835', '52001', '52356'];
const OUTSIDE = ['05001', '05120', '88001', '19318', '19450', '86001'];
const POINT: Record<string, [number, number]> = {
	'05001': [-75.5636, 6.2518],
	'05120': [-75.35, 7.58],
	'52835': [-78.6139, 1.6361],
	'52001': [-77.28, 1.21],
	'52356': [-77.64, 0.83],
	'88001': [-81.7, 12.55],
	'19318': [-77.89, 2.57],
	'19450': [-77.0, 1.8],
	'86001': [-76.65, 1.15]
};
const CATEGORIES = ['homicide', 'sexual-violence', 'illicit-crops', 'landmines'] as const;
const MONTHS = Array.from(
	{ length: 24 },
	(_, i) => `${2021 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
);

let ctx: ReturnType<typeof createTestContext>;
let deps: ServiceDeps;
let provider: Viewer;
let planner: Viewer;
let batch = 0;
let ref = 0;

/** Adds the bordering municipalities of Cauca (19) and Putumayo (86) and their neighbours. */
function addBorder(): void {
	const { db } = ctx;
	const dept = db.prepare(
		`INSERT INTO departments (code, name, population_2018, area_km2, point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north)
		 VALUES (?, ?, ?, 1000, 0, 0, -1, -1, 1, 1)`
	);
	dept.run('19', 'Cauca', 1243503);
	dept.run('86', 'Putumayo', 283197);
	const muni = db.prepare(
		`INSERT INTO municipalities (code, name, official_name, department_code, population_2018, households_2018, area_km2,
		   point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north, is_island)
		 VALUES (?, ?, upper(?), ?, ?, NULL, 1000, ?, ?, ? - 0.2, ? - 0.2, ? + 0.2, ? + 0.2, 0)`
	);
	for (const [code, name, population] of [
		['19318', 'Guapi', 29722],
		['19450', 'Mercaderes', 19110],
		['86001', 'Mocoa', 45235]
	] as const) {
		const [lon, lat] = POINT[code]!;
		muni.run(code, name, name, code.slice(0, 2), population, lon, lat, lon, lat, lon, lat);
	}
	const near = db.prepare(
		'INSERT INTO municipality_neighbours (code, neighbour_code, shares_edge) VALUES (?, ?, 1)'
	);
	for (const [a, b] of [
		['19318', '52835'],
		['19450', '52001'],
		['86001', '52001'],
		['86001', '52356'],
		['19450', '19318'],
		['19450', '86001']
	]) {
		near.run(a, b);
		near.run(b, a);
	}
}

type NewReport = { category: string; code: string; month: string; count: number };

/** Stores reports as one import batch (points at the municipality's point) and rebuilds the rollup. */
function addReports(reports: readonly NewReport[]): void {
	const { db } = ctx;
	db.transaction(() => {
		batch = Number(
			db
				.prepare(
					`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
						rows_duplicate, rows_rejected, categories, imported_at)
					 VALUES ('test', 'test', 'test.csv', '-', 'Fuente: prueba', ?, ?, 0, 0, ?, '2025-01-01T00:00:00Z')`
				)
				.run(reports.length, reports.length, JSON.stringify(CATEGORIES)).lastInsertRowid
		);
		const insert = db.prepare(
			`INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month, date_precision, lon, lat, count)
			 VALUES (?, 'test', ?, ?, ?, ?, ?, 'day', ?, ?, ?)`
		);
		for (const r of reports) {
			const [lon, lat] = POINT[r.code]!;
			insert.run(batch, `r${ref++}`, r.category, r.code, `${r.month}-15`, r.month, lon, lat, r.count);
		}
		rebuildRollup();
	})();
}

/** The rollup from the reports, and a new reports version: the statistics index is rebuilt. */
function rebuildRollup(): void {
	ctx.db.exec(`DELETE FROM report_rollup;
		INSERT INTO report_rollup (category, month, municipality_code, count, reports)
		SELECT category, month, municipality_code, sum(count), count(*) FROM reports GROUP BY 1, 2, 3;`);
	bumpReportsVersion(ctx.db);
}

/** Two years of reports everywhere: large counts in some municipalities, small in others. */
function seedReports(): void {
	const random = seededRandom(14);
	const weight: Record<string, number> = {
		'52835': 3,
		'52001': 2,
		'52356': 0.4,
		'05001': 4,
		'05120': 0.3,
		'88001': 0.2,
		'19318': 1.5,
		'19450': 0.5,
		'86001': 1
	};
	const reports: NewReport[] = [];
	for (const code of [...INSIDE, ...OUTSIDE]) {
		for (const month of MONTHS) {
			for (const category of CATEGORIES) {
				if (category === 'illicit-crops') {
					if (month.endsWith('-01') && weight[code]! > 0.5) {
						reports.push({ category, code, month, count: Math.round(random() * 5000) / 10 });
					}
					continue;
				}
				const n = Math.floor(random() * weight[code]! * 2.5 + random());
				for (let i = 0; i < n; i++) reports.push({ category, code, month, count: 1 });
			}
		}
	}
	addReports(reports);
}

/** Services on the shared statistics index with the release fixed to the one built now. */
function withFixedRelease(): ServiceDeps {
	const services = createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
	const fixed = services.release.current();
	const release: ReleaseService = { ...services.release, current: () => fixed };
	return { ...services.deps, release };
}

/** An answer, or the code of the error it gave (refusals are answers too). */
function attempt(f: () => unknown): unknown {
	try {
		return structuredClone(f());
	} catch (error) {
		return { error: (error as { code?: string }).code ?? String(error) };
	}
}

/** Every answer a viewer can get from the services, on a fixed set of questions. */
function answers(viewer: Viewer): Record<string, unknown> {
	const reports = createReportService(deps);
	const analysis = createAnalysisService(deps);
	const dialogues = createDialogueService(deps);
	const out: Record<string, unknown> = {};
	const windows = [
		{},
		{ from: '2022-01', to: '2022-12' },
		{ from: '2021-02', to: '2022-05' },
		{ from: '2022-04', to: '2022-06', compare_from: '2021-04', compare_to: '2021-06' }
	];
	for (const category of ['homicide', 'homicide,landmines', 'sexual-violence', 'illicit-crops']) {
		for (const w of windows) {
			const measures = category === 'illicit-crops' ? ['count'] : ['count', 'rate', 'smoothed_rate'];
			for (const measure of measures) {
				for (const smoothing of measure === 'smoothed_rate' ? ['global', 'local'] : ['global']) {
					const params = StatsParams.parse({ category, measure, smoothing, ...w });
					const key = `${category}|${measure}|${smoothing}|${JSON.stringify(w)}`;
					out[`municipalities|${key}`] = attempt(() => reports.areaFigures(viewer, 'municipality', params));
					if (measure !== 'smoothed_rate') {
						out[`departments|${key}`] = attempt(() => reports.areaFigures(viewer, 'department', params));
					}
				}
			}
		}
		for (const code of [...INSIDE, '19318']) {
			out[`timeseries|${category}|${code}`] = attempt(() =>
				reports.timeseries(viewer, code, TimeseriesQuery.parse({ category }))
			);
		}
		if (category !== 'illicit-crops') {
			for (const measure of ['rate', 'smoothed_rate']) {
				for (const w of windows.slice(0, 2)) {
					const p = SpatialParams.parse({ category, measure, permutations: 199, ...w });
					out[`local-moran|${category}|${measure}|${JSON.stringify(w)}`] = attempt(() =>
						analysis.spatial(viewer, 'local-moran', p)
					);
					out[`gi|${category}|${measure}|${JSON.stringify(w)}`] = attempt(() =>
						analysis.spatial(viewer, 'getis-ord', { ...p, fdr: true })
					);
				}
				const q = EmergingHotSpotsParams.parse({
					category,
					measure,
					permutations: 99,
					from: '2021-01',
					to: '2022-12'
				});
				out[`ehsa|${category}|${measure}`] = attempt(() => analysis.emergingHotSpots(viewer, q));
			}
		}
	}
	for (const code of [...INSIDE, '05001']) {
		out[`summary|${code}`] = attempt(() => reports.summary(viewer, code, SummaryQuery.parse({})));
		out[`summary-2022|${code}`] = attempt(() =>
			reports.summary(viewer, code, SummaryQuery.parse({ from: '2022-01', to: '2022-12' }))
		);
	}
	out.priorityInputs = attempt(() => analysis.priorityInputs(viewer, { category: ['homicide'] }));
	out.patrolOptions = attempt(() => analysis.patrolOptions(viewer));
	for (const area of [undefined, '52', '52001', '19']) {
		out[`patrol|${area}`] = attempt(() =>
			analysis.patrol(viewer, PatrolParams.parse({ category: 'landmines,homicide', area, resolution: 6 }))
		);
	}
	out.hexagons = attempt(() =>
		reports.hexagons(
			viewer,
			HexagonQuery.parse({
				category: 'landmines,homicide',
				from: '2021-01',
				to: '2022-12',
				resolution: 6,
				bbox: '-82,-5,-66,13'
			})
		)
	);
	out.dialogues = attempt(() => dialogues.list(viewer));
	out.commitments = attempt(() => dialogues.commitments(viewer));
	out.booklets = attempt(() => dialogues.booklets(viewer));
	return out;
}

/** Random changes of exact outside data: reports added, removed or recounted; dialogue secrets. */
const outsideChange = fc.record({
	added: fc.array(
		fc.record({
			category: fc.constantFrom(...CATEGORIES),
			code: fc.constantFrom(...OUTSIDE),
			// Months beyond the release's extent too: the defaults must not move with them.
			month: fc.constantFrom(...MONTHS, '2020-12', '2023-03'),
			count: fc.integer({ min: 1, max: 40 })
		}),
		{ maxLength: 12 }
	),
	removed: fc.integer({ min: 0, max: 30 }),
	recounted: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 25 })), { maxLength: 6 }),
	place: fc.tuple(fc.double({ min: -76, max: -75, noNaN: true }), fc.double({ min: 6, max: 8, noNaN: true })),
	summary: fc.string({ maxLength: 20 }),
	commitments: fc.integer({ min: 0, max: 3 })
});

type OutsideChange = typeof outsideChange extends fc.Arbitrary<infer T> ? T : never;

function applyOutside(change: OutsideChange): void {
	const { db } = ctx;
	const outside = JSON.stringify(OUTSIDE);
	db.transaction(() => {
		if (change.added.length) addReports(change.added);
		const ids = db
			.prepare(
				'SELECT id FROM reports WHERE municipality_code IN (SELECT value FROM json_each(?)) ORDER BY id'
			)
			.pluck()
			.all(outside) as number[];
		for (const id of ids.slice(0, change.removed)) db.prepare('DELETE FROM reports WHERE id = ?').run(id);
		for (const [i, count] of change.recounted) {
			const id = ids[change.removed + (i % Math.max(1, ids.length - change.removed))];
			if (id !== undefined) db.prepare('UPDATE reports SET count = ? WHERE id = ?').run(count, id);
		}
		rebuildRollup();
		const dialogue = db.prepare("SELECT id FROM dialogues WHERE municipality_code = '05120'").pluck().get();
		db.prepare('UPDATE dialogues SET lon = ?, lat = ?, place_sensitive = 1, summary = ? WHERE id = ?').run(
			change.place[0],
			change.place[1],
			change.summary,
			dialogue
		);
		for (let i = 0; i < change.commitments; i++) {
			db.prepare(
				"INSERT INTO commitments (dialogue_id, institution, action, due_date, status) VALUES (?, 'Alcaldía', 'Acción', '2030-01-01', 'open')"
			).run(dialogue);
		}
	})();
}

beforeAll(async () => {
	ctx = createTestContext();
	addBorder();
	seedReports();
	expect(seedDialogues(ctx.db)).toBe(2);
	// Both seeded dialogues (Cáceres, outside; Tumaco, inside) get a sensitive place and a summary,
	// each with a commitment.
	for (const [code, lon, lat] of [
		['05120', -75.35, 7.58],
		['52835', -78.7, 1.8]
	] as const) {
		const id = ctx.db.prepare('SELECT id FROM dialogues WHERE municipality_code = ?').pluck().get(code);
		ctx.db
			.prepare('UPDATE dialogues SET lon = ?, lat = ?, place_sensitive = 1, summary = ? WHERE id = ?')
			.run(lon, lat, `acta ${code}`, id);
		ctx.db
			.prepare(
				"INSERT INTO commitments (dialogue_id, institution, action, due_date, status) VALUES (?, 'Policía', 'Ronda', '2030-01-01', 'open')"
			)
			.run(id);
	}
	const narino = await addUser(ctx.db, {
		email: 'narino@example.org',
		role: 'provider',
		jurisdiction: { departments: ['52'] }
	});
	const plan = await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
	provider = viewerFor(loadSessionUser(ctx.db, narino.id), null);
	planner = viewerFor(loadSessionUser(ctx.db, plan.id), null);
	deps = withFixedRelease();
});
afterAll(() => ctx.cleanup());

describe('a provider’s answers depend on inside data and the public release only', () => {
	it('gets the restricted answers it is meant to get (the comparison below is not of errors)', () => {
		const a = answers(provider) as Record<string, Json>;
		expect(
			a['municipalities|homicide|smoothed_rate|local|{"from":"2022-01","to":"2022-12"}']!.values.map(
				(v: Json) => v.code
			)
		).toEqual(['52001', '52356', '52835']);
		expect(a['local-moran|homicide|rate|{}']!.analysed).toBe(9);
		expect(a['ehsa|homicide|rate']!.analysed).toBe(9);
		expect(a['ehsa|homicide|rate']!.steps).toHaveLength(8);
		// Sensitive categories: outside municipalities have no published municipal value, so they drop out.
		expect(a['local-moran|sexual-violence|rate|{}']!.analysed).toBe(3);
		expect((a['patrol|undefined'] as Json).pointReports).toBeGreaterThan(0);
		expect((a.hexagons as Json).cells.length).toBeGreaterThan(0);
		expect(a.priorityInputs).toEqual({ error: 'forbidden' });
		expect(a['timeseries|homicide|19318']).toEqual({ error: 'outside_jurisdiction' });
		const errors = Object.entries(a).filter(([, v]) => v && typeof v === 'object' && 'error' in v);
		expect(errors.map(([k]) => k).sort()).toEqual(
			[
				'priorityInputs',
				'patrol|19',
				'summary|05001',
				'summary-2022|05001',
				...['homicide', 'homicide,landmines', 'sexual-violence', 'illicit-crops'].map(
					(c) => `timeseries|${c}|19318`
				)
			].sort()
		);
	});

	it('gives identical answers whatever the exact outside data are (property, fixed release)', () => {
		const before = answers(provider);
		const plannerBefore = answers(planner);
		let plannerChanged = 0;
		fc.assert(
			fc.property(outsideChange, (change) => {
				applyOutside(change);
				expect(answers(provider)).toEqual(before);
				if (JSON.stringify(answers(planner)) !== JSON.stringify(plannerBefore)) plannerChanged++;
			}),
			{ numRuns: 20, seed: 14 }
		);
		// The changes were real: the planner, who sees exact national figures, saw them.
		expect(plannerChanged).toBeGreaterThan(0);
	});

	it('changes when inside data change, so the comparison above can fail', () => {
		const before = answers(provider) as Record<string, Json>;
		addReports([{ category: 'homicide', code: '52356', month: '2022-05', count: 7 }]);
		const after = answers(provider) as Record<string, Json>;
		const changed = Object.keys(before).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
		expect(changed).toEqual(
			expect.arrayContaining([
				'municipalities|homicide|count|global|{"from":"2022-01","to":"2022-12"}',
				'municipalities|homicide|smoothed_rate|local|{"from":"2022-01","to":"2022-12"}',
				'local-moran|homicide|rate|{"from":"2022-01","to":"2022-12"}',
				'timeseries|homicide|52356'
			])
		);
	});
});

describe('border statistics encode no exact outside count', () => {
	const q = { category: 'homicide', from: '2022-01', to: '2022-12' };
	const tumaco = (values: Json[]) => values.find((v) => v.code === '52835')!;

	it('keeps Tumaco’s local smoothed rate and local Moran when Guapi’s exact count changes', () => {
		const reports = createReportService(deps);
		const analysis = createAnalysisService(deps);
		const read = (viewer: Viewer) => ({
			smoothed: tumaco(
				reports.areaFigures(
					viewer,
					'municipality',
					StatsParams.parse({ ...q, measure: 'smoothed_rate', smoothing: 'local' })
				).values
			).value as number,
			moran: tumaco(analysis.spatial(viewer, 'local-moran', SpatialParams.parse(q)).values)
				.statistic as number
		});
		const provider0 = read(provider);
		const planner0 = read(planner);
		addReports(
			Array.from({ length: 12 }, (_, i) => ({
				category: 'homicide',
				code: '19318',
				month: MONTHS[12 + i]!,
				count: 3
			}))
		);
		expect(read(provider)).toEqual(provider0);
		// The same figures computed nationally from exact counts do move: Guapi is Tumaco's neighbour.
		const planner1 = read(planner);
		expect(planner1.smoothed).not.toBeCloseTo(planner0.smoothed, 6);
		expect(planner1.moran).not.toBeCloseTo(planner0.moran, 6);
	});

	it('counts the hexagons of the jurisdiction before the row limit', () => {
		const query = HexagonQuery.parse({
			category: 'landmines,homicide',
			from: '2021-01',
			to: '2022-12',
			resolution: 6,
			bbox: '-82,-5,-66,13'
		});
		const inside = ctx.db
			.prepare(
				`SELECT count(*) FROM reports WHERE category IN ('landmines', 'homicide') AND month BETWEEN '2021-01' AND '2022-12'
				   AND substr(municipality_code, 1, 2) = '52'`
			)
			.pluck()
			.get() as number;
		const scope = scopeOf(provider);
		// Outside points interleave with inside ones: filtered after the limit, they used to fill it.
		const exact = hexagons(ctx.db, scope, query, inside);
		expect(exact.truncated).toBe(false);
		expect(exact.cells.reduce((n, c) => n + c.reports, 0)).toBe(inside);
		expect(hexagons(ctx.db, scope, query, inside - 1).truncated).toBe(true);
	});
});

describe('dialogues: sensitive places and summaries inside the jurisdiction only', () => {
	it('shows a provider the place and summary of an inside dialogue, not of an outside one', () => {
		const dialogues = createDialogueService(deps);
		const byCode = (viewer: Viewer) => new Map(dialogues.list(viewer).map((d) => [d.municipality.code, d]));
		const narino = byCode(provider);
		expect(narino.get('52835')).toMatchObject({ place: { lon: -78.7, lat: 1.8 }, summary: 'acta 52835' });
		expect(narino.get('05120')!.place).toBeNull();
		expect(narino.get('05120')).not.toHaveProperty('summary');
		const national = byCode(planner);
		expect(national.get('05120')!.place).not.toBeNull();
		expect(national.get('05120')).toHaveProperty('summary');
		for (const d of byCode(PUBLIC_VIEWER).values()) {
			expect(d.place).toBeNull();
			expect(d).not.toHaveProperty('summary');
		}
	});

	it('lists a provider’s commitments inside its jurisdiction only', () => {
		const commitments = createDialogueService(deps).commitments(provider);
		expect(commitments.length).toBeGreaterThan(0);
		expect(commitments.every((c) => c.code.startsWith('52'))).toBe(true);
	});
});

describe('survey estimates: shrunk towards the part of the department in scope', () => {
	it('keeps a Tumaco-only provider’s shrunk estimate when Pasto’s answers change', async () => {
		const { createSurveyService } = await import('../../src/lib/server/surveys/service');
		// A small panel of our own (TEST DATA): 12 leaders in Tumaco and 12 in Pasto, one wave.
		const month = '2021-03';
		const respondent = ctx.db.prepare(
			"INSERT INTO survey_respondents (municipality_code, pseudonym, sector, sex, area, demo) VALUES (?, ?, 'community', 'F', 'rural', 0)"
		);
		const answer = ctx.db.prepare(
			"INSERT INTO survey_answers (respondent_id, wave, questionnaire_version, question, value) VALUES (?, ?, 1, 'trust:police', ?)"
		);
		for (const code of ['52835', '52001'])
			for (let i = 0; i < 12; i++) {
				const id = Number(respondent.run(code, `T${code}-${i}`).lastInsertRowid);
				answer.run(id, month, code === '52835' ? 1 + (i % 3) : 2 + (i % 2));
			}
		const tumacoOnly = await addUser(ctx.db, {
			email: 'tumaco@example.org',
			role: 'provider',
			jurisdiction: { municipalities: ['52835'] }
		});
		const tumacoViewer = viewerFor(loadSessionUser(ctx.db, tumacoOnly.id), null);
		const surveys = createSurveyService(deps);
		const query = { provider: 'police', month, measure: 'mean' } as const;
		const tumaco = (viewer: Viewer) =>
			surveys.municipalityEstimates(viewer, query).values.find((v) => v.code === '52835')!;
		const before = { provider: tumaco(tumacoViewer).shrunk, planner: tumaco(planner).shrunk };
		expect(before.provider).not.toBeNull();
		// Every police answer of Pasto's panel set to the top of the scale: a planner's Tumaco
		// estimate, shrunk towards all of Nariño, moves; the Tumaco-only provider's does not.
		const changed = ctx.db
			.prepare(
				`UPDATE survey_answers SET value = 5 WHERE wave = ? AND question = 'trust:police' AND respondent_id IN
				 (SELECT id FROM survey_respondents WHERE municipality_code = '52001')`
			)
			.run(month).changes;
		expect(changed).toBeGreaterThan(0);
		expect(tumaco(planner).shrunk).not.toEqual(before.planner);
		expect(tumaco(tumacoViewer).shrunk).toEqual(before.provider);
		expect(surveys.municipalityEstimates(tumacoViewer, query).values.map((v) => v.code)).toEqual(['52835']);
	});
});
