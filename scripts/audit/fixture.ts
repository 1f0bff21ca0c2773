import fs from 'node:fs';
import path from 'node:path';
import { CSV_HEADER, type Manifest } from './release';
import { hash32, mulberry32 } from './random';

/**
 * The auditor's own test releases, in the export format, written from synthetic counts (TEST DATA
 * ONLY, seeded): a small country with many small counts. Two ways to publish the same counts:
 * - `naive`: counts from 1 to 10 shown as "small", every other count and every total exact
 *   (per-answer suppression, no complementary cells) — the auditor must break it;
 * - `cell-key`: small counts suppressed, zeros published, every other cell (totals included)
 *   perturbed on its own by at most ±maxAbs and never below the small range.
 * Independent of the release builder: only the format is shared.
 */

export type FixtureOptions = {
	seed: number;
	method: 'naive' | 'cell-key';
	/** Perturbation bound for `cell-key` (default 5). */
	maxAbs?: number;
	departments?: number;
	municipalitiesPerDepartment?: number;
	/** First year and number of years of months. */
	firstYear?: number;
	years?: number;
	/** Non-sensitive count categories with their mean count per municipality-month. */
	categories?: Record<string, number>;
	/** Sensitive categories with their mean count per municipality-month. */
	sensitive?: Record<string, number>;
};

const GROUP = 'all-non-sensitive';
const SMALL = { min: 1, max: 10 };

export type Fixture = {
	dir: string;
	/** The true count of a cell, by the auditor's cell name (`issues municipality 05001 2025-01 homicide`). */
	truth: Map<string, number>;
};

function poisson(mean: number, random: () => number): number {
	// Knuth's method; the means here are small.
	const limit = Math.exp(-mean);
	let k = 0;
	for (let p = random(); p > limit; p *= random()) k++;
	return k;
}

export function writeFixtureRelease(dir: string, options: FixtureOptions): Fixture {
	const random = mulberry32(options.seed);
	const maxAbs = options.method === 'naive' ? 0 : (options.maxAbs ?? 5);
	const departments = Array.from({ length: options.departments ?? 3 }, (_, d) =>
		String(5 + d * 3).padStart(2, '0')
	);
	const perDepartment = options.municipalitiesPerDepartment ?? 10;
	const municipalities = departments.flatMap((d) =>
		Array.from({ length: perDepartment }, (_, m) => `${d}${String(m * 7 + 1).padStart(3, '0')}`)
	);
	const firstYear = options.firstYear ?? 2025;
	const years = Array.from({ length: options.years ?? 2 }, (_, y) => String(firstYear + y));
	const months = years.flatMap((y) =>
		Array.from({ length: 12 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`)
	);
	const quarters = years.flatMap((y) => [1, 2, 3, 4].map((q) => `${y}-Q${q}`));
	const categories = options.categories ?? { homicide: 1.2, extortion: 0.4, landmines: 0.08 };
	const sensitive = options.sensitive ?? { 'sexual-violence': 0.35 };

	// Municipalities differ in size (log-normal), so some counts are large and most are small.
	const size = new Map(
		municipalities.map((m) => {
			const u = Math.max(random(), 1e-9);
			const v = random();
			return [m, Math.exp(0.9 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v))];
		})
	);
	// Every cell's true count, summed up the hierarchies from municipality-month counts.
	const counts = new Map<string, number>(); // `${area}|${period}|${category}`
	const add = (key: string, n: number) => counts.set(key, (counts.get(key) ?? 0) + n);
	for (const m of municipalities) {
		for (const month of months) {
			const periods = [
				month,
				`${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`,
				month.slice(0, 4)
			];
			for (const [category, mean] of Object.entries({ ...categories, ...sensitive })) {
				const n = poisson(mean * size.get(m)!, random);
				for (const area of [m, m.slice(0, 2), 'CO']) {
					for (const period of periods) {
						add(`${area}|${period}|${category}`, n);
						if (category in categories) add(`${area}|${period}|${GROUP}`, n);
					}
				}
			}
		}
	}
	const trueCount = (area: string, period: string, category: string) =>
		counts.get(`${area}|${period}|${category}`) ?? 0;

	const truth = new Map<string, number>();
	const levelOf = (code: string) =>
		code === 'CO' ? 'nation' : code.length === 2 ? 'department' : 'municipality';
	const grainOf = (period: string) =>
		period.length === 4 ? 'year' : period.includes('Q') ? 'quarter' : 'month';
	const publish = (table: string, area: string, period: string, category: string, t: number) => {
		const name = `${table} ${levelOf(area)} ${area} ${period} ${category}`;
		truth.set(name, t);
		let value = '';
		let status = 'published';
		if (t >= SMALL.min && t <= SMALL.max) status = 'small';
		else if (t > 0 && maxAbs > 0) {
			// Cell-key style: the noise depends on the cell alone, so it is the same on every run.
			const noise = Math.floor(mulberry32(hash32(`${options.seed}|${name}`))() * (2 * maxAbs + 1)) - maxAbs;
			value = String(Math.max(SMALL.max + 1, t + noise));
		} else value = String(t);
		return `${levelOf(area)},${area},${grainOf(period)},${period},${category},${value},${status}`;
	};

	const areas = [...municipalities, ...departments, 'CO'];
	const issues = [CSV_HEADER];
	for (const area of areas) {
		for (const period of [...months, ...quarters, ...years]) {
			for (const category of Object.keys(categories)) {
				issues.push(publish('issues', area, period, category, trueCount(area, period, category)));
			}
			issues.push(publish('issues', area, period, GROUP, trueCount(area, period, GROUP)));
		}
	}
	const sensitiveRows = [CSV_HEADER];
	for (const area of [...departments, 'CO']) {
		for (const period of [...quarters, ...years]) {
			for (const category of Object.keys(sensitive)) {
				sensitiveRows.push(publish('sensitive', area, period, category, trueCount(area, period, category)));
			}
		}
	}
	// Hectares are published exactly and are not protected; the auditor must leave them alone.
	const hectares = [CSV_HEADER];
	for (const m of municipalities) {
		for (const y of years) {
			hectares.push(`municipality,${m},year,${y},illicit-crops,${Math.floor(random() * 8)},published`);
		}
	}

	fs.mkdirSync(dir, { recursive: true });
	const manifest: Manifest = {
		version: `fixture-${options.seed}-${options.method}`,
		builtAt: '2026-01-01T00:00:00.000Z',
		method: options.method,
		rules: {
			smallCell: SMALL,
			perturbation: { maxAbs },
			zeroPublished: true,
			sensitiveCategories: Object.keys(sensitive),
			nonSensitiveGroup: GROUP
		},
		tables: [
			{ id: 'issues', file: 'issues.csv', dimensions: ['area', 'period', 'category'] },
			{ id: 'sensitive', file: 'sensitive.csv', dimensions: ['area', 'period', 'category'] },
			{ id: 'hectares', file: 'hectares.csv', dimensions: ['area', 'period', 'category'] }
		]
	};
	fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, '\t'));
	fs.writeFileSync(path.join(dir, 'issues.csv'), issues.join('\n') + '\n');
	fs.writeFileSync(path.join(dir, 'sensitive.csv'), sensitiveRows.join('\n') + '\n');
	fs.writeFileSync(path.join(dir, 'hectares.csv'), hectares.join('\n') + '\n');
	return { dir, truth };
}
