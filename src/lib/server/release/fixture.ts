import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '$lib/domain/random';
import { departmentOf, NATION_CODE, PeriodGrid, PERIOD_GRAINS } from '$lib/domain/release/grid';
import { DISCLOSURE } from '../../config/disclosure';
import { openDatabase, type DB } from '../db/connection';
import { addBatchToRollup } from '../reports/rollup';
import { bumpReportsVersion } from '../reports/version';
import { buildRelease, GROUP_MEMBERS, type Built } from './build';
import { writeExport, type ReleaseManifest } from './export';
import { releaseSalt } from './record-keys';
import { saveRelease } from './store';

/**
 * A release of a small synthetic country, for CI: the auditor's tests and tests/api/release.spec.ts
 * run against it instead of the real data. 30 municipalities in 3 departments, 24 months
 * (2023–2024), three non-sensitive count categories (homicide, extortion, landmines), one
 * sensitive (sexual violence) and coca hectares; most municipalities are small, so that many
 * cells hold counts from 1 to 10. Reproducible: the same seed gives the same files (the salt
 * is derived from the seed — a fixture's keys are not secret).
 *
 * SYNTHETIC DATA ONLY: never imported by the app.
 */

export const FIXTURE_DEPARTMENTS = ['05', '52', '76'] as const;
export const FIXTURE_CATEGORIES = [
	'homicide',
	'extortion',
	'landmines',
	'sexual-violence',
	'illicit-crops'
] as const;
const FIRST_YEAR = 2023;
const YEARS = 2;

/**
 * The shape of a fixture. `sparse` (issue 19): every non-sensitive count is one victim in a few
 * municipality-months, over `years` years — many cells of "1–10" whose lower bounds add up
 * exactly to their departments' and the nation's totals, so that a total published at the
 * bottom of its noise pins them (the Antioquia pattern). `guard: false` builds it without the
 * guard, to show what the guard prevents.
 */
export type FixtureShape = { sparse?: boolean; years?: number; guard?: false };

export type FixtureRelease = {
	manifest: ReleaseManifest;
	/**
	 * The true total of a cell (`category|area_level|area_code|period`), for tests that compare
	 * the published value with the truth; undefined when the area has no data in the category.
	 */
	truth: ReadonlyMap<string, number>;
};

type Report = { category: string; code: string; month: number; count: number };

function poisson(random: () => number, lambda: number): number {
	const limit = Math.exp(-lambda);
	let k = 0;
	let p = random();
	while (p > limit) {
		k++;
		p *= random();
	}
	return k;
}

/** The synthetic municipalities: 10 per department, the first two of each large. */
export function fixtureMunicipalities(): { code: string; population: number; large: boolean }[] {
	return FIXTURE_DEPARTMENTS.flatMap((d) =>
		Array.from({ length: 10 }, (_, i) => ({
			code: `${d}${String(1 + i * 7).padStart(3, '0')}`,
			population: i < 2 ? 400_000 + i * 150_000 : 4_000 + i * 2_500,
			large: i < 2
		}))
	);
}

function generate(seed: number, shape: FixtureShape): Report[] {
	const random = seededRandom(seed);
	const reports: Report[] = [];
	const years = shape.years ?? YEARS;
	if (shape.sparse) {
		for (const m of fixtureMunicipalities()) {
			for (const category of ['homicide', 'extortion', 'landmines', 'sexual-violence']) {
				for (let t = 0; t < years * 12; t++) {
					if (random() < 0.12) reports.push({ category, code: m.code, month: FIRST_YEAR * 12 + t, count: 1 });
				}
			}
		}
		return reports;
	}
	const rate: Record<string, [number, number]> = {
		homicide: [14, 0.9],
		extortion: [6, 0.5],
		landmines: [2, 0.15],
		'sexual-violence': [5, 0.4]
	};
	for (const m of fixtureMunicipalities()) {
		for (const [category, [large, small]] of Object.entries(rate)) {
			// A few small municipalities never appear in a category's sources (no data, not zero).
			if (!m.large && random() < 0.15) continue;
			for (let t = 0; t < years * 12; t++) {
				const k = poisson(random, m.large ? large : small);
				for (let r = 0; r < k; r++) {
					reports.push({
						category,
						code: m.code,
						month: FIRST_YEAR * 12 + t,
						count: category === 'homicide' && random() < 0.2 ? 2 : 1
					});
				}
			}
		}
		if (random() < 0.4) {
			for (let y = 0; y < years; y++) {
				const hectares = Math.round(random() * 30_000) / 10;
				reports.push({
					category: 'illicit-crops',
					code: m.code,
					month: (FIRST_YEAR + y) * 12,
					count: hectares
				});
			}
		}
	}
	return reports;
}

function seed(db: DB, reports: readonly Report[]): void {
	db.transaction(() => {
		for (const d of FIXTURE_DEPARTMENTS) {
			db.prepare(
				`INSERT INTO departments (code, name, population_2018, area_km2, point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north)
				 VALUES (?, ?, 0, 1000, 0, 0, -1, -1, 1, 1)`
			).run(d, `Departamento sintético ${d}`);
		}
		for (const m of fixtureMunicipalities()) {
			db.prepare(
				`INSERT INTO municipalities (code, name, official_name, department_code, population_2018, households_2018, area_km2,
				   point_lon, point_lat, bbox_west, bbox_south, bbox_east, bbox_north, is_island)
				 VALUES (?, ?, ?, ?, ?, NULL, 100, 0, 0, -1, -1, 1, 1, 0)`
			).run(m.code, `Municipio ${m.code}`, `MUNICIPIO ${m.code}`, departmentOf(m.code), m.population);
		}
		// Neighbours: each municipality touches the next one of its department.
		const codes = fixtureMunicipalities().map((m) => m.code);
		const near = db.prepare(
			'INSERT INTO municipality_neighbours (code, neighbour_code, shares_edge) VALUES (?, ?, 1)'
		);
		codes.forEach((code, i) => {
			const next = codes[i + 1];
			if (next && departmentOf(next) === departmentOf(code)) {
				near.run(code, next);
				near.run(next, code);
			}
		});
		const batch = Number(
			db
				.prepare(
					`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
						rows_duplicate, rows_rejected, categories, imported_at)
					 VALUES ('synthetic', 'synthetic', 'fixture.csv', '-', 'Datos sintéticos', ?, ?, 0, 0, ?, '2025-01-01T00:00:00Z')`
				)
				.run(reports.length, reports.length, JSON.stringify(FIXTURE_CATEGORIES)).lastInsertRowid
		);
		const insert = db.prepare(
			`INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month, date_precision, count)
			 VALUES (?, 'synthetic', ?, ?, ?, ?, ?, 'month', ?)`
		);
		reports.forEach((r, i) => {
			const month = `${Math.floor(r.month / 12)}-${String((r.month % 12) + 1).padStart(2, '0')}`;
			insert.run(batch, `r${i}`, r.category, r.code, month, month, r.count);
		});
		addBatchToRollup(db, batch, 1);
		bumpReportsVersion(db);
	})();
}

/** True totals of every cell of every block, computed here from the reports (not by the builder). */
function truthOf(reports: readonly Report[], years: number): Map<string, number> {
	const truth = new Map<string, number>();
	const codes = fixtureMunicipalities().map((m) => m.code);
	const covered = new Set(reports.map((r) => `${r.category}|${r.code}`));
	const grid = new PeriodGrid(FIRST_YEAR, years, PERIOD_GRAINS);
	const categories = [...FIXTURE_CATEGORIES, DISCLOSURE.nonSensitiveGroup];
	const memberOf = (category: string, report: Report) =>
		category === DISCLOSURE.nonSensitiveGroup
			? GROUP_MEMBERS.includes(report.category as never)
			: report.category === category;
	const areasOf = (code: string) => [
		['municipality', code],
		['department', departmentOf(code)],
		['nation', NATION_CODE]
	];
	// Every covered area's cells start at zero.
	for (const category of categories) {
		for (const code of codes) {
			const has =
				category === DISCLOSURE.nonSensitiveGroup
					? GROUP_MEMBERS.some((c) => covered.has(`${c}|${code}`))
					: covered.has(`${category}|${code}`);
			if (!has) continue;
			for (const [level, area] of areasOf(code)) {
				for (const p of grid.periods()) truth.set(`${category}|${level}|${area}|${p.id}`, 0);
			}
		}
	}
	for (const r of reports) {
		const t = r.month - FIRST_YEAR * 12;
		for (const category of categories) {
			if (!memberOf(category, r)) continue;
			for (const [level, area] of areasOf(r.code)) {
				for (const p of grid.periods()) {
					if (t < p.start || t >= p.start + p.months) continue;
					const key = `${category}|${level}|${area}|${p.id}`;
					truth.set(key, (truth.get(key) ?? 0) + r.count);
				}
			}
		}
	}
	return truth;
}

/**
 * Seeds an empty database (migrated, e.g. by openDatabase) with the synthetic country and its
 * reports; returns the true totals of every cell.
 */
export function seedFixture(db: DB, seedValue: number, shape: FixtureShape = {}): Map<string, number> {
	const reports = generate(seedValue, shape);
	seed(db, reports);
	return truthOf(reports, shape.years ?? YEARS);
}

/** The fixture's salt: derived from its seed, so that the same seed gives the same release. */
export function fixtureSalt(seedValue: number): Buffer {
	return createHash('sha256').update(`resiliencia fixture ${seedValue}`).digest();
}

/**
 * Builds the fixture's release and writes its export (manifest.json and the three CSVs) into
 * `dir`, exactly as `npm run release:export` writes the real one.
 */
export function buildFixtureRelease(
	seedValue: number,
	dir: string,
	shape: FixtureShape = {}
): Promise<FixtureRelease> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-fixture-'));
	const db = openDatabase(path.join(work, 'fixture.db'));
	try {
		const truth = seedFixture(db, seedValue, shape);
		const salt = releaseSalt(db, fixtureSalt(seedValue));
		const steps = buildRelease(db, { salt, today: '2025-01-01', guard: shape.guard });
		let step = steps.next();
		while (!step.done) step = steps.next();
		const release = saveRelease(db, step.value as Built, '2025-01-01T00:00:00.000Z');
		const manifest = writeExport(release, dir);
		return Promise.resolve({ manifest, truth });
	} finally {
		db.close();
		fs.rmSync(work, { recursive: true, force: true });
	}
}
