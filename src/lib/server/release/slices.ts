import { CATEGORIES, type CategoryId } from '$lib/domain/categories';
import { isSensitiveCategory, smallCellDisplay } from '$lib/domain/disclosure';
import { lastWholeYear, monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { NO_DATA, SMALL, WITHHELD } from '$lib/domain/release/blocks';
import { parsePeriodId, periodIdOf } from '$lib/domain/release/grid';
import { describeRange, effectiveWindow, type MonthRange } from '$lib/domain/coverage';
import { exposure } from '$lib/domain/denominators';
import { figureNotes } from '$lib/domain/figure-notes';
import { publishedRate, publishedSmoothedRates, type PublishedArea } from '$lib/domain/release/rates';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import type { StatsParams, SummaryQuery, TimeseriesQuery } from '../../schemas/reports';
import type { SurveyEstimatesQuery } from '../../schemas/surveys';
import { notFound, ServiceError } from '../errors';
import { withComparison, type PublishedValue } from '../reports/public-figures';
import { assertSummable, publicGrain, unitOf } from '../reports/rules';
import { GROUP_MEMBERS } from './build';
import { releaseCoverage, releasePopulation } from './coverage';
import { estimatesOf, seriesOf } from './surveys';
import type { Release } from './types';

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

/** The first and last month (indices) of a grid period id ("2019", "2019-Q2", "2019-04"). */
function monthsOfPeriod(id: string): { from: number; to: number } {
	const p = parsePeriodId(id);
	if (!p) throw new ServiceError('invalid_request', `${id} is no period of the public grid`);
	const width = p.grain === 'year' ? 12 : p.grain === 'quarter' ? 3 : 1;
	const from = p.year * 12 + p.part * width;
	return { from, to: from + width - 1 };
}

/** The months of a grid period the category's sources cover in an area (its department's, if own). */
function windowOf(
	release: Release,
	category: string,
	level: 'municipality' | 'department' | 'nation',
	code: string,
	from: number,
	to: number
): MonthRange | null {
	const coverage = releaseCoverage(release, category);
	if (!coverage) return null;
	return effectiveWindow([coverage], from, to, level === 'nation' ? undefined : code.slice(0, 2));
}

/**
 * One cell of a block. A period its sources do not cover is no data; inside it, a period outside
 * the block's years had no reports (0 where the area is listed), and an area a registry never
 * lists had none (0: its coverage says absence is zero). A missing block (no reports) is no data.
 */
function cellOf(
	release: Release,
	category: string,
	level: 'municipality' | 'department' | 'nation',
	code: string,
	periodId: string
): CellRead {
	const block = release.blocks.get(category);
	if (!block) return { kind: 'none' };
	const { from, to } = monthsOfPeriod(periodId);
	if (!windowOf(release, category, level, code, from, to)) return { kind: 'none' };
	const zero = releaseCoverage(release, category)?.absence === 'zero';
	const area = block.areas.indexOf(level, code);
	if (area < 0) return zero ? { kind: 'value', value: 0 } : { kind: 'none' };
	const row = area * block.grid.size;
	const covered =
		block.table === 'hectares' ? !Number.isNaN(block.values[row]!) : block.values[row] !== NO_DATA;
	if (!covered) return zero ? { kind: 'value', value: 0 } : { kind: 'none' };
	const period = block.grid.indexOf(periodId);
	if (period < 0) return { kind: 'value', value: 0 };
	const v = block.values[row + period]!;
	if (block.table !== 'hectares' && v === SMALL) return { kind: 'small' };
	if (block.table !== 'hectares' && v === WITHHELD) return { kind: 'withheld' };
	return { kind: 'value', value: v };
}

/**
 * Person-years and mean population of every area over the covered months of a grid period
 * (domain/denominators.ts: rates per 100,000 per year, years a municipality did not exist left out).
 */
function exposuresOf(
	release: Release,
	category: string,
	level: 'municipality' | 'department',
	from: number,
	to: number
): { code: string; personYears: number; population: number }[] {
	const population = releasePopulation(release);
	const municipalities = release.facts.municipalities.map((code, m) => {
		const window = windowOf(release, category, 'municipality', code, from, to);
		const e = window ? exposure(population, m, window) : { personYears: 0, meanPopulation: 0 };
		return { code, personYears: e.personYears, population: e.meanPopulation };
	});
	if (level === 'municipality') return municipalities;
	const byDepartment = new Map<string, { code: string; personYears: number; population: number }>();
	for (const m of municipalities) {
		const d = m.code.slice(0, 2);
		const entry = byDepartment.get(d) ?? { code: d, personYears: 0, population: 0 };
		entry.personYears += m.personYears;
		entry.population += m.population;
		byDepartment.set(d, entry);
	}
	return [...byDepartment.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** A public period must hold whole years of a category counted by year (never its January). */
function assertPrecision(release: Release, category: string, grain: 'month' | 'quarter' | 'year') {
	if (grain !== 'year' && releaseCoverage(release, category)?.precision === 'year') {
		throw new ServiceError(
			'invalid_request',
			`${category} is counted by year: ask for a whole year (e.g. from=2022-01&to=2022-12)`
		);
	}
}

/** The notes of a public figure: what its category covers in the period, and its denominators. */
function notesOf(
	release: Release,
	category: string,
	categories: readonly string[],
	from: number,
	to: number
) {
	const members = category === DISCLOSURE.nonSensitiveGroup ? [category] : categories;
	return figureNotes(
		members.map((c) => [c, releaseCoverage(release, c)] as const),
		releasePopulation(release),
		from,
		to
	);
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
	for (const q of [query, compare]) if (q) assertPrecision(release, category, q.grain);
	const unit = unitOf(params.category);
	const compute = (periodId: string, from: number, to: number) => {
		const areas = exposuresOf(release, category, level, from, to);
		// `population` of a published area is its exposure in person-years: rates are per year.
		const published: (PublishedArea & { code: string; cell: CellRead; mean: number })[] = areas.map((a) => {
			const cell = cellOf(release, category, level, a.code, periodId);
			return {
				code: a.code,
				cell,
				population: a.personYears,
				mean: a.population,
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
			const base = { code: a.code, population: Math.round(a.mean) };
			if (a.cell.kind === 'small')
				return { ...base, value: null, count: null, suppressed: smallCellDisplay(config) };
			if (a.cell.kind === 'withheld')
				return { ...base, value: null, count: null, suppressed: WITHHELD_DISPLAY };
			if (a.cell.kind === 'none') return { ...base, value: null, count: null };
			const value = measure === 'count' ? a.count : measure === 'rate' ? publishedRate(a) : smoothed![i]!;
			return { ...base, value, count: a.count };
		});
		const nation = cellOf(release, category, 'nation', 'CO', periodId);
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
	const result = compute(query.id, query.from, query.to);
	const values = compare
		? withComparison(result.values, compute(compare.id, compare.from, compare.to).values)
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
		...notesOf(release, category, params.category, query.from, query.to),
		release: release.version
	};
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
	const extent = extentOf(release, id === config.nonSensitiveGroup ? GROUP_MEMBERS : category);
	const known = release.facts.municipalities.includes(code);
	// A category counted by year has a yearly series (its figure is never its January's).
	const grain = releaseCoverage(release, id)?.precision === 'year' ? 'year' : 'month';
	const series: { month: string; count: number | null; suppressed?: string }[] = [];
	let a = 0;
	let b = -1;
	if (known && extent) {
		a = from ? monthIndex(from) : extent.first;
		b = to ? monthIndex(to) : extent.last;
		const periods: { label: string; id: string }[] = [];
		if (grain === 'year')
			for (let y = Math.ceil(a / 12); y * 12 + 11 <= (to ? b : Math.floor(b / 12) * 12 + 11); y++)
				periods.push({ label: String(y), id: String(y) });
		else for (let t = a; t <= b; t++) periods.push({ label: monthLabel(t), id: monthLabel(t) });
		for (const p of periods) {
			const cell = cellOf(release, id, 'municipality', code, p.id);
			const month = p.label;
			if (cell.kind === 'small') series.push({ month, count: null, suppressed: smallCellDisplay(config) });
			else if (cell.kind === 'withheld') series.push({ month, count: null, suppressed: WITHHELD_DISPLAY });
			else series.push({ month, count: cell.kind === 'value' ? cell.value : null });
		}
	}
	const notes = b >= a ? notesOf(release, id, category, a, b) : null;
	return {
		code,
		categories: category,
		unit,
		grain,
		series,
		...(notes ? { coverage: notes.coverage } : {}),
		release: release.version
	};
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
				const cell =
					releaseCoverage(release, c.id)?.precision === 'year' && periodId.length !== 4
						? ({ kind: 'none' } as const)
						: cellOf(release, c.id, 'municipality', code, periodId);
				const attributions = release.facts.attributions[c.id] ?? [];
				const { from: a, to: b } = monthsOfPeriod(periodId);
				const window = windowOf(release, c.id, 'municipality', code, a, b);
				const partial = !window || window.first !== a || window.last !== b;
				const coverage = partial
					? {
							covered: window ? { from: monthLabel(window.first), to: monthLabel(window.last) } : null,
							coverageNote: window
								? { es: describeRange(window, 'es'), en: describeRange(window, 'en') }
								: null
						}
					: {};
				if (cell.kind === 'small' || cell.kind === 'withheld') {
					const suppressed = cell.kind === 'small' ? smallCellDisplay(config) : WITHHELD_DISPLAY;
					return { category: c.id, count: null, attributions, suppressed, ...coverage };
				}
				return {
					category: c.id,
					count: cell.kind === 'value' ? cell.value : null,
					attributions,
					...coverage
				};
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
		yearly: Object.keys(extents).filter((c) => releaseCoverage(release, c)?.precision === 'year'),
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
