import { CATEGORIES, categoryById, isCategoryId } from '$lib/domain/categories';
import { isSensitiveCategory } from '$lib/domain/disclosure';
import { addBase, countBlock, emptyBase, exactBlock, type MonthlyBase } from '$lib/domain/release/blocks';
import { guardBlocks, type BlocksGuardReport } from '$lib/domain/release/guard-blocks';
import { GUARD_DEFAULTS, type GuardOptions } from '$lib/domain/release/guard';
import {
	AreaLayout,
	PeriodGrid,
	PERIOD_GRAINS,
	type AreaLevel,
	type PeriodGrain
} from '$lib/domain/release/grid';
import { createPTable } from '$lib/domain/release/ptable';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { categoryCoverages } from '../reports/coverage';
import { readBaseCells, type CategoryCells, type FreshBatch } from './base';
import { communityBlockId, communityCells } from './community';
import { storedCoverages } from './coverage';
import { preventionFacts } from './prevention';
import { publicSurveys } from './surveys';
import type { Block, ReleaseFacts, ReleaseTableId } from './types';

/**
 * Builds a release from one snapshot of the database (the builder's own read connection inside
 * one read transaction), as a generator that pauses between steps so that the server keeps
 * answering while millions of reports are read (service.ts drives it).
 */

/**
 * Bumped whenever the builder's output changes meaning (rules, tables, shapes): a stored release
 * of another format is rebuilt.
 */
export const RELEASE_FORMAT = 2;

/** The data versions a release is built from: a release is current while they are unchanged. */
export function sourcesOf(db: DB): string {
	const rows = statement(
		db,
		"SELECT key, value FROM dataset_meta WHERE key IN ('reports_version', 'public_facts_version', 'community_version')"
	).all() as { key: string; value: string }[];
	const get = (key: string) => rows.find((r) => r.key === key)?.value ?? '0';
	// Verifying or rejecting a community report bumps community_version (migration 011).
	return `format:${RELEASE_FORMAT};reports:${get('reports_version')};facts:${get('public_facts_version')};community:${get('community_version')}`;
}

/** The fixed group: every non-sensitive category counting people or events (not hectares). */
export const GROUP_MEMBERS = CATEGORIES.filter((c) => !c.sensitive && c.unit !== 'hectares').map((c) => c.id);

export function tableOf(category: string): ReleaseTableId {
	if (!isCategoryId(category)) return 'issues';
	if (categoryById(category).unit === 'hectares') return 'hectares';
	return isSensitiveCategory(category) ? 'sensitive' : 'issues';
}

/** The grains and area levels each table publishes (sensitive: department and nation, quarter and year). */
export function shapeOf(table: ReleaseTableId, config: DisclosureConfig = DISCLOSURE) {
	if (table !== 'sensitive') {
		return {
			grains: [...PERIOD_GRAINS] as PeriodGrain[],
			levels: ['municipality', 'department', 'nation'] as AreaLevel[]
		};
	}
	return {
		grains: PERIOD_GRAINS.filter((g) => config.sensitive.grains.includes(g)),
		levels: (['municipality', 'department', 'nation'] as const).filter((l) =>
			config.sensitive.geographies.includes(l)
		)
	};
}

export type Built = {
	sources: string;
	facts: ReleaseFacts;
	blocks: Map<string, Block>;
	/** Batches met for the first time, to be stored with the release. */
	fresh: FreshBatch[];
	/** What the guard against bounded inference found and withheld (null: not run). */
	guard: BlocksGuardReport | null;
};

export type BuildOptions = {
	salt: Buffer;
	config?: DisclosureConfig;
	today?: string;
	/**
	 * The guard against bounded inference (domain/release/guard.ts). `false` only for tests that
	 * show what it prevents; a public release always runs it.
	 */
	guard?: GuardOptions | false;
};

export function* buildRelease(read: DB, options: BuildOptions): Generator<void, Built, void> {
	const config = options.config ?? DISCLOSURE;
	const ptable = createPTable(config);
	const sources = sourcesOf(read);

	const municipalities = read
		.prepare('SELECT code FROM municipalities ORDER BY code')
		.pluck()
		.all() as string[];
	const position = new Map(municipalities.map((code, i) => [code, i]));
	const neighbours: number[][] = municipalities.map(() => []);
	for (const r of read
		.prepare('SELECT code, neighbour_code AS n FROM municipality_neighbours ORDER BY code, neighbour_code')
		.all() as {
		code: string;
		n: string;
	}[]) {
		const a = position.get(r.code);
		const b = position.get(r.n);
		if (a !== undefined && b !== undefined) neighbours[a]!.push(b);
	}
	const census = municipalities.map(() => 0);
	for (const r of read.prepare('SELECT code, population_2018 AS p FROM municipalities').all() as {
		code: string;
		p: number;
	}[]) {
		census[position.get(r.code)!] = r.p;
	}
	const populationByYear: Record<string, number[]> = {};
	for (const r of read
		.prepare('SELECT municipality_code AS code, year, population FROM population')
		.all() as {
		code: string;
		year: number;
		population: number;
	}[]) {
		const m = position.get(r.code);
		if (m === undefined) continue;
		// Missing from a year's table: the census; DANE's 0 (before it existed) makes it absent then.
		(populationByYear[r.year] ??= [...census])[m] = r.population;
	}
	const attributions: Record<string, string[]> = {};
	for (const b of read.prepare('SELECT attribution, categories FROM import_batches ORDER BY id').all() as {
		attribution: string;
		categories: string;
	}[]) {
		for (const c of JSON.parse(b.categories) as string[]) {
			const list = (attributions[c] ??= []);
			if (!list.includes(b.attribution)) list.push(b.attribution);
		}
	}
	yield;

	const { cells, fresh } = yield* readBaseCells(read, municipalities, options.salt);
	const extents: Record<string, { from: string; to: string }> = {};
	const blocks = new Map<string, Block>();
	const bases = new Map<string, { base: MonthlyBase; firstYear: number }>();
	const full = new AreaLayout(municipalities);
	for (const category of CATEGORIES.map((c) => c.id)) {
		const list = cells.get(category);
		if (!list || list.month.length === 0) continue;
		const { first, last } = monthRange(list);
		extents[category] = { from: monthLabel(first), to: monthLabel(last) };
		const firstYear = Math.floor(first / 12);
		const years = Math.floor(last / 12) - firstYear + 1;
		const table = tableOf(category);
		const shape = shapeOf(table, config);
		const grid = new PeriodGrid(firstYear, years, shape.grains);
		const areas = table === 'sensitive' ? new AreaLayout(municipalities, shape.levels) : full;
		const base = fill(list, municipalities.length, firstYear, years);
		if (table === 'hectares') {
			blocks.set(category, { table, category, grid, areas, values: exactBlock(base, areas, grid) });
		} else {
			blocks.set(category, { table, category, grid, areas, values: countBlock(base, areas, grid, ptable) });
		}
		if (GROUP_MEMBERS.includes(category)) bases.set(category, { base, firstYear });
		yield;
	}
	// Verified community reports: their own blocks, published as sensitive whatever the category
	// (release/community.ts), never added to the official category's block nor to the group.
	const sensitiveShape = shapeOf('sensitive', config);
	const sensitiveAreas = new AreaLayout(municipalities, sensitiveShape.levels);
	for (const [category, list] of communityCells(read, municipalities, options.salt)) {
		const { first, last } = monthRange(list);
		const firstYear = Math.floor(first / 12);
		const years = Math.floor(last / 12) - firstYear + 1;
		const grid = new PeriodGrid(firstYear, years, sensitiveShape.grains);
		const base = fill(list, municipalities.length, firstYear, years);
		const id = communityBlockId(category);
		blocks.set(id, {
			table: 'sensitive',
			category: id,
			grid,
			areas: sensitiveAreas,
			values: countBlock(base, sensitiveAreas, grid, ptable)
		});
	}
	yield;
	if (bases.size > 0) {
		const firstYear = Math.min(...[...bases.values()].map((b) => b.firstYear));
		const lastYear = Math.max(...[...bases.values()].map((b) => b.firstYear + b.base.months / 12 - 1));
		const years = lastYear - firstYear + 1;
		const group = emptyBase(municipalities.length, years * 12);
		for (const { base, firstYear: y } of bases.values()) addBase(group, base, (y - firstYear) * 12);
		const grid = new PeriodGrid(firstYear, years, PERIOD_GRAINS);
		blocks.set(config.nonSensitiveGroup, {
			table: 'issues',
			category: config.nonSensitiveGroup,
			grid,
			areas: full,
			values: countBlock(group, full, grid, ptable)
		});
		yield;
	}

	// Before anything reads the cells (prevention pages, rates): withhold every published value
	// that lets bounds propagation pin a small count (issue 19).
	const guardOptions = options.guard ?? GUARD_DEFAULTS;
	const guard =
		guardOptions === false
			? null
			: yield* guardBlocks(
					[...blocks.values()].flatMap((b) => (b.table === 'hectares' ? [] : [b])),
					{
						smallCell: config.smallCell,
						maxAbs: config.perturbation.maxAbs,
						group: config.nonSensitiveGroup
					},
					guardOptions
				);

	const surveys = publicSurveys(read);
	yield;
	const coverage = storedCoverages(
		categoryCoverages(read, (c) =>
			extents[c] ? { first: monthIndex(extents[c].from), last: monthIndex(extents[c].to) } : null
		)
	);
	const prevention = preventionFacts(
		read,
		blocks,
		extents,
		attributions,
		coverage,
		options.today ?? new Date().toISOString().slice(0, 10)
	);
	const facts: ReleaseFacts = {
		municipalities,
		neighbours,
		census,
		populationByYear,
		extents,
		coverage,
		attributions,
		blocks: [...blocks.values()].map((b) => ({
			category: b.category,
			table: b.table,
			firstYear: b.grid.firstYear,
			years: b.grid.years,
			grains: [...b.grid.grains],
			levels: [...b.areas.levels]
		})),
		surveys,
		prevention
	};
	return { sources, facts, blocks, fresh, guard };
}

function monthRange(list: CategoryCells): { first: number; last: number } {
	let first = Infinity;
	let last = -Infinity;
	for (const t of list.month) {
		if (t < first) first = t;
		if (t > last) last = t;
	}
	return { first, last };
}

function fill(list: CategoryCells, municipalities: number, firstYear: number, years: number): MonthlyBase {
	const base = emptyBase(municipalities, years * 12);
	const start = firstYear * 12;
	for (let i = 0; i < list.month.length; i++) {
		const m = list.municipality[i]!;
		const at = m * base.months + (list.month[i]! - start);
		base.totals[at]! += list.total[i]!;
		base.keys[at] = (base.keys[at]! + list.key[i]!) & 255;
		base.covered[m] = 1;
	}
	return base;
}
