import { CATEGORIES, type CategoryId } from '$lib/domain/categories';
import { isSensitiveCategory, smallCellDisplay } from '$lib/domain/disclosure';
import { lastWholeYear, monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { NO_DATA, SMALL, WITHHELD } from '$lib/domain/release/blocks';
import { periodIdOf } from '$lib/domain/release/grid';
import { publishedRate, publishedSmoothedRates, type PublishedArea } from '$lib/domain/release/rates';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import type { StatsParams, SummaryQuery, TimeseriesQuery } from '../../schemas/reports';
import type { SurveyEstimatesQuery } from '../../schemas/surveys';
import { notFound, ServiceError } from '../errors';
import { withComparison, type PublishedValue } from '../reports/public-figures';
import { assertSummable, publicGrain, unitOf } from '../reports/rules';
import { GROUP_MEMBERS } from './build';
import { estimatesOf, seriesOf } from './surveys';
import type { Block, Release } from './types';

/**
 * Every public answer as a slice of one release: the figures per municipality or department,
 * one municipality's monthly series and summary, the survey estimates and the prevention page.
 * Nothing here reads the database or the statistics index; rates are computed from published
 * counts. The answers keep the shapes of the restricted ones and add `release`, the version.
 */

/** The release category of a set of categories: one category, or the fixed non-sensitive group. */
export function publicCategoryOf(
	categories: readonly CategoryId[],
	config: DisclosureConfig = DISCLOSURE
): string {
	if (categories.length === 1) return categories[0]!;
	const chosen = new Set<string>(categories);
	if (chosen.size === GROUP_MEMBERS.length && GROUP_MEMBERS.every((c) => chosen.has(c)))
		return config.nonSensitiveGroup;
	throw new ServiceError(
		'disclosure',
		`The public sees one category at a time, or every non-sensitive category together (${GROUP_MEMBERS.join(',')}): two other sums could be subtracted from one another`
	);
}

/** Months with data of some categories (the group: of its members), as indices; null if none. */
function extentOf(release: Release, categories: readonly string[]): { first: number; last: number } | null {
	const known = categories.map((c) => release.facts.extents[c]).filter((e) => e !== undefined);
	if (known.length === 0) return null;
	return {
		first: Math.min(...known.map((e) => monthIndex(e.from))),
		last: Math.max(...known.map((e) => monthIndex(e.to)))
	};
}

/** The grid period of a public query; the missing end defaults to the categories' first or last month. */
function publicPeriodOf(release: Release, categories: readonly string[], from?: string, to?: string) {
	const extent = extentOf(release, categories);
	const a = from ? monthIndex(from) : (extent?.first ?? monthIndex('2000-01'));
	const b = to ? monthIndex(to) : (extent?.last ?? monthIndex('2000-01'));
	if (b < a) throw new ServiceError('invalid_request', '`to` is before `from`');
	return { from: a, to: b, grain: publicGrain(a, b), id: periodIdOf(a, b)! };
}

type CellRead =
	{ kind: 'value'; value: number } | { kind: 'small' } | { kind: 'withheld' } | { kind: 'none' };

/** What the public sees for a value the guard withheld (domain/release/guard.ts). */
export const WITHHELD_DISPLAY = '—';

/**
 * One cell of a block; a period outside the block's years had no reports (0 where the area is
 * covered). A missing block (no reports at all) is no data.
 */
function cellOf(
	block: Block | undefined,
	level: 'municipality' | 'department' | 'nation',
	code: string,
	periodId: string
): CellRead {
	if (!block) return { kind: 'none' };
	const area = block.areas.indexOf(level, code);
	if (area < 0) return { kind: 'none' };
	const row = area * block.grid.size;
	const covered =
		block.table === 'hectares' ? !Number.isNaN(block.values[row]!) : block.values[row] !== NO_DATA;
	if (!covered) return { kind: 'none' };
	const period = block.grid.indexOf(periodId);
	if (period < 0) return { kind: 'value', value: 0 };
	const v = block.values[row + period]!;
	if (block.table !== 'hectares' && v === SMALL) return { kind: 'small' };
	if (block.table !== 'hectares' && v === WITHHELD) return { kind: 'withheld' };
	return { kind: 'value', value: v };
}

/** Mean population over the period's year (a grid cell lies in one year); the 2018 census otherwise. */
function populationsOf(release: Release, year: number): number[] {
	return release.facts.populationByYear[year] ?? release.facts.census;
}

export function publicAreaFigures(
	release: Release,
	level: 'municipality' | 'department',
	params: StatsParams,
	config: DisclosureConfig = DISCLOSURE
) {
	const measure = params.measure;
	assertSummable(params.category, measure);
	if (level === 'department' && measure === 'smoothed_rate') {
		throw new ServiceError('invalid_request', 'Smoothed rates are computed per municipality');
	}
	const query = publicPeriodOf(release, params.category, params.from, params.to);
	const compare =
		params.compare_from || params.compare_to
			? publicPeriodOf(release, params.category, params.compare_from, params.compare_to)
			: null;
	for (const q of [query, compare]) {
		if (!q) continue;
		const sensitive = params.category.filter((c) => isSensitiveCategory(c, config));
		if (sensitive.length > 0 && (level === 'municipality' || q.grain === 'month')) {
			throw new ServiceError(
				'disclosure',
				`${sensitive.join(', ')} ${sensitive.length === 1 ? 'is' : 'are'} published only per department and per quarter or year`
			);
		}
	}
	const category = publicCategoryOf(params.category, config);
	const unit = unitOf(params.category);
	const block = release.blocks.get(category);
	const compute = (periodId: string, year: number) => {
		const pops = populationsOf(release, year);
		const municipalities = release.facts.municipalities;
		const areas =
			level === 'municipality'
				? municipalities.map((code, m) => ({ code, population: pops[m]! }))
				: departmentPopulations(municipalities, pops);
		const published: (PublishedArea & { code: string; cell: CellRead })[] = areas.map((a) => {
			const cell = cellOf(block, level, a.code, periodId);
			return {
				code: a.code,
				cell,
				population: a.population,
				count: cell.kind === 'value' ? cell.value : null,
				small: cell.kind === 'small'
			};
		});
		const smoothed =
			measure === 'smoothed_rate'
				? publishedSmoothedRates(
						published,
						params.smoothing,
						release.facts.neighbours,
						(config.smallCell.min + config.smallCell.max) / 2
					)
				: null;
		const values: PublishedValue[] = published.map((a, i) => {
			const base = { code: a.code, population: Math.round(a.population) };
			if (a.cell.kind === 'small')
				return { ...base, value: null, count: null, suppressed: smallCellDisplay(config) };
			if (a.cell.kind === 'withheld')
				return { ...base, value: null, count: null, suppressed: WITHHELD_DISPLAY };
			if (a.cell.kind === 'none') return { ...base, value: null, count: null };
			const value = measure === 'count' ? a.count : measure === 'rate' ? publishedRate(a) : smoothed![i]!;
			return { ...base, value, count: a.count };
		});
		const nation = cellOf(block, 'nation', 'CO', periodId);
		return {
			values,
			total: nation.kind === 'value' ? nation.value : nation.kind === 'none' ? 0 : null,
			totalSuppressed:
				nation.kind === 'small'
					? smallCellDisplay(config)
					: nation.kind === 'withheld'
						? WITHHELD_DISPLAY
						: undefined
		};
	};
	const result = compute(query.id, Math.floor(query.from / 12));
	const values = compare
		? withComparison(result.values, compute(compare.id, Math.floor(compare.from / 12)).values)
		: result.values;
	return {
		measure,
		smoothing: measure === 'smoothed_rate' ? params.smoothing : undefined,
		unit,
		per: measure === 'count' ? undefined : 100_000,
		categories: params.category,
		from: params.from ?? monthLabel(query.from),
		to: params.to ?? monthLabel(query.to),
		/** The nation's published count for the period: a cell of its own, not the sum of the values. */
		total: result.total,
		...(result.totalSuppressed ? { totalSuppressed: result.totalSuppressed } : {}),
		values,
		release: release.version
	};
}

function departmentPopulations(municipalities: readonly string[], pops: readonly number[]) {
	const byDepartment = new Map<string, number>();
	municipalities.forEach((code, m) => {
		const d = code.slice(0, 2);
		byDepartment.set(d, (byDepartment.get(d) ?? 0) + pops[m]!);
	});
	return [...byDepartment]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([code, population]) => ({ code, population }));
}

export function publicTimeseries(
	release: Release,
	code: string,
	query: TimeseriesQuery,
	config: DisclosureConfig = DISCLOSURE
) {
	const { category, from, to } = query;
	const sensitive = category.filter((id) => isSensitiveCategory(id, config));
	if (sensitive.length > 0) {
		throw new ServiceError('disclosure', `${sensitive.join(', ')}: monthly series are not public`);
	}
	assertSummable(category, 'count');
	const unit = unitOf(category);
	const id = publicCategoryOf(category, config);
	const block = release.blocks.get(id);
	const extent = extentOf(release, id === config.nonSensitiveGroup ? GROUP_MEMBERS : category);
	const known = release.facts.municipalities.includes(code);
	const series: { month: string; count: number | null; suppressed?: string }[] = [];
	if (known && extent) {
		const a = from ? monthIndex(from) : extent.first;
		const b = to ? monthIndex(to) : extent.last;
		for (let t = a; t <= b; t++) {
			const month = monthLabel(t);
			const cell = cellOf(block, 'municipality', code, month);
			if (cell.kind === 'small') series.push({ month, count: null, suppressed: smallCellDisplay(config) });
			else if (cell.kind === 'withheld') series.push({ month, count: null, suppressed: WITHHELD_DISPLAY });
			else series.push({ month, count: cell.kind === 'value' ? cell.value : 0 });
		}
	}
	return { code, categories: category, unit, series, release: release.version };
}

export function publicSummary(
	release: Release,
	code: string,
	query: SummaryQuery,
	config: DisclosureConfig = DISCLOSURE
) {
	const extent = extentOf(release, Object.keys(release.facts.extents));
	if (!extent) return { code, from: null, to: null, categories: [], release: release.version };
	// Without a period, the last whole year with data: the whole extent is not a period of the
	// public grid (and would be refused), a year is.
	const year = lastWholeYear(monthLabel(extent.last));
	const from = query.from ?? (query.to ? monthLabel(extent.first) : `${year}-01`);
	const to = query.to ?? (query.from ? monthLabel(extent.last) : `${year}-12`);
	publicGrain(monthIndex(from), monthIndex(to));
	const periodId = periodIdOf(monthIndex(from), monthIndex(to))!;
	const known = release.facts.municipalities.includes(code);
	const categories = known
		? CATEGORIES.filter((c) => release.facts.extents[c.id] && !isSensitiveCategory(c.id, config)).map((c) => {
				const cell = cellOf(release.blocks.get(c.id), 'municipality', code, periodId);
				const attributions = release.facts.attributions[c.id] ?? [];
				if (cell.kind === 'small' || cell.kind === 'withheld') {
					const suppressed = cell.kind === 'small' ? smallCellDisplay(config) : WITHHELD_DISPLAY;
					return { category: c.id, count: null, attributions, suppressed };
				}
				return { category: c.id, count: cell.kind === 'value' ? cell.value : null, attributions };
			})
		: [];
	return { code, from, to, categories, release: release.version };
}

export function publicPrevention(release: Release, code: string) {
	const facts = release.facts.prevention[code];
	if (!facts) throw notFound(`No municipality with DIVIPOLA code ${code}`);
	return { ...facts, release: release.version };
}

/**
 * The prevention map's index: every municipality with a dialogue or a booklet, with the facts of
 * its prevention page (the same objects as `publicPrevention`, so the map and the page cannot
 * disagree), the issues named anywhere with how many of these municipalities named each, and
 * the rules its released figures follow (for the legend). Sorted by department, then name.
 */
export function publicPreventionIndex(release: Release, config: DisclosureConfig = DISCLOSURE) {
	const municipalities = Object.values(release.facts.prevention)
		.filter((f) => f.dialogues.length > 0 || f.booklets.length > 0)
		.sort(
			(a, b) =>
				a.municipality.department.localeCompare(b.municipality.department, 'es') ||
				a.municipality.name.localeCompare(b.municipality.name, 'es')
		);
	const named = new Map<string, { id: string; label: { es: string; en: string }; municipalities: number }>();
	for (const m of municipalities)
		for (const issue of m.issues) {
			const entry = named.get(issue.id) ?? { ...issue, municipalities: 0 };
			entry.municipalities += 1;
			named.set(issue.id, entry);
		}
	return {
		release: release.version,
		rules: {
			smallCell: { min: config.smallCell.min, max: config.smallCell.max },
			perturbation: { maxAbs: config.perturbation.maxAbs },
			sensitiveCategories: [...config.sensitiveCategories]
		},
		issues: [...named.values()].sort(
			(a, b) => b.municipalities - a.municipalities || a.id.localeCompare(b.id)
		),
		municipalities
	};
}

/**
 * Months with data per category and overall, and the sources behind each, as the release has them
 * (the shape of the statistics index's `extent()`): the public's default periods and the legend's
 * sources never come from the unprotected index.
 */
export function publicExtent(release: Release) {
	const { extents, attributions } = release.facts;
	const known = Object.values(extents);
	return {
		from: known.length ? known.map((e) => e.from).sort()[0]! : null,
		to: known.length
			? known
					.map((e) => e.to)
					.sort()
					.at(-1)!
			: null,
		categories: { ...extents },
		attributions: { ...attributions },
		release: release.version
	};
}

export function publicSurveyEstimates(release: Release, query: SurveyEstimatesQuery) {
	const provider = query.measure === 'index' ? 'index' : query.provider;
	const measure = query.measure === 'index' ? 'mean' : query.measure;
	const values = estimatesOf(release.facts.surveys, provider, measure, query.month);
	return {
		provider,
		month: query.month,
		measure,
		demo: values.some((v) => v.demo),
		values,
		release: release.version
	};
}

export function publicSurveySeries(release: Release, code: string) {
	return {
		code,
		demo: release.facts.surveys.demo,
		series: seriesOf(release.facts.surveys, code),
		release: release.version
	};
}
