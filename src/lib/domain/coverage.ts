import { z } from 'zod';
import { monthIndex } from './monthly-cube';

/**
 * What a source covers, as data (the `coverage` of each mapping in data/mappings/): the months it
 * holds nationally and, where it differs, per department; how precise its dates are; and whether a
 * municipality it never lists had no events (a national registry or census: absence is zero) or is
 * simply not known (a compilation, a panel that leaves places out: absence is "no data").
 *
 * A source may miss whole months in the middle of its span (the Police threats workbooks of 2021
 * and 2022 are lost): `gaps` lists them, and no window ever includes one.
 *
 * Every figure over a period is computed over the months its categories cover (the "effective
 * window") and says so, so that a year covered January–May is never read as a whole year, and a
 * comparison compares the same covered months. Pure: the statistics index and the release use it.
 */

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month is written YYYY-MM');

const MonthSpan = z
	.object({ from: Month, to: Month })
	.strict()
	.refine((r) => r.from <= r.to, { message: '`from` must not be after `to`' });

export const Precision = z.enum(['day', 'month', 'year']);
export type Precision = z.infer<typeof Precision>;

export const Absence = z.enum(['zero', 'unknown']);
export type Absence = z.infer<typeof Absence>;

export const SourceCoverage = z
	.object({
		from: Month,
		to: Month,
		/** The finest date the source gives: a yearly source enters a period only by whole years. */
		precision: Precision,
		/** `zero`: a municipality the source never lists had none (registry, census). */
		absence: Absence,
		/** Departments (2-digit DANE code) whose months differ from the national ones. */
		departments: z
			.record(z.string().regex(/^\d{2}$/, 'a department is a 2-digit DANE code'), MonthSpan)
			.default({}),
		/**
		 * Months inside `from` … `to` the source does not cover anywhere (a lost year): a window never
		 * includes them, so a registry's zero is not claimed there.
		 */
		gaps: z.array(MonthSpan).default([]),
		/** Why, in a sentence (shown to planners). */
		note: z.string().max(500).optional()
	})
	.strict()
	.refine((c) => c.from <= c.to, { message: '`from` must not be after `to`' })
	.refine((c) => c.gaps.every((g) => c.from < g.from && g.to < c.to), {
		message: 'a gap must lie strictly inside `from` … `to` (otherwise move `from` or `to`)',
		path: ['gaps']
	});
export type SourceCoverage = z.infer<typeof SourceCoverage>;

/** Months as indices (monthIndex), inclusive. */
export type MonthRange = { first: number; last: number };

export type CategoryCoverage = {
	range: MonthRange;
	precision: Precision;
	absence: Absence;
	/** Department code → its own months, where they differ from `range`. */
	departments: ReadonlyMap<string, MonthRange>;
	/** Months inside `range` that no source covers (everywhere), in order; none when left out. */
	gaps?: readonly MonthRange[];
};

const PRECISION_ORDER: Record<Precision, number> = { day: 0, month: 1, year: 2 };

function rangeOf(span: { from: string; to: string }): MonthRange {
	return { first: monthIndex(span.from), last: monthIndex(span.to) };
}

/**
 * One category's coverage from the sources that feed it: the hull of their months, the coarsest
 * precision, and absence is zero when any of them is a registry that would list every event. The
 * months of the hull that no source covers (a source's gaps, or a stretch between two sources'
 * spans) are the category's gaps.
 */
export function combineSources(sources: readonly SourceCoverage[]): CategoryCoverage | null {
	if (sources.length === 0) return null;
	let first = Infinity;
	let last = -Infinity;
	let precision: Precision = 'day';
	let absence: Absence = 'unknown';
	const departments = new Map<string, MonthRange>();
	for (const s of sources) {
		const r = rangeOf(s);
		first = Math.min(first, r.first);
		last = Math.max(last, r.last);
		if (PRECISION_ORDER[s.precision] > PRECISION_ORDER[precision]) precision = s.precision;
		if (s.absence === 'zero') absence = 'zero';
		for (const [code, span] of Object.entries(s.departments)) {
			const d = rangeOf(span);
			const known = departments.get(code);
			departments.set(
				code,
				known ? { first: Math.min(known.first, d.first), last: Math.max(known.last, d.last) } : d
			);
		}
	}
	const gaps = uncoveredStretches(
		first,
		last,
		sources.map((s) => ({ range: rangeOf(s), gaps: s.gaps.map(rangeOf) }))
	);
	return { range: { first, last }, precision, absence, departments, ...(gaps.length > 0 ? { gaps } : {}) };
}

/** The stretches of first … last that none of the spans covers (a span covers its range minus its gaps). */
function uncoveredStretches(
	first: number,
	last: number,
	spans: readonly { range: MonthRange; gaps: readonly MonthRange[] }[]
): MonthRange[] {
	const covers = (t: number) =>
		spans.some(
			(s) => s.range.first <= t && t <= s.range.last && !s.gaps.some((g) => g.first <= t && t <= g.last)
		);
	const out: MonthRange[] = [];
	for (let t = first; t <= last; t++) {
		if (covers(t)) continue;
		const previous = out[out.length - 1];
		if (previous && previous.last === t - 1) previous.last = t;
		else out.push({ first: t, last: t });
	}
	return out;
}

/**
 * The months of `from` … `to` that every category covers (in `department`, when given), or null
 * when there is none. With a yearly category among them the window keeps whole years only, so a
 * yearly figure is never counted for a part of its year (nor as January). A window is one stretch
 * of months: when a category's gap cuts the period, it is the latest stretch the categories cover
 * (2020–2023 of a source without 2021–2022 is 2023), and the answer's coverage note says so.
 */
export function effectiveWindow(
	coverages: readonly CategoryCoverage[],
	from: number,
	to: number,
	department?: string
): MonthRange | null {
	let first = from;
	let last = to;
	let yearly = false;
	const gaps: MonthRange[] = [];
	for (const c of coverages) {
		const r = (department !== undefined ? c.departments.get(department) : undefined) ?? c.range;
		first = Math.max(first, r.first);
		last = Math.min(last, r.last);
		if (c.precision === 'year') yearly = true;
		if (c.gaps) gaps.push(...c.gaps);
	}
	// The stretches left between the gaps, latest first; the first that keeps a month (a whole year
	// with a yearly category) is the window.
	gaps.sort((a, b) => b.last - a.last);
	let end = last;
	for (const gap of [...gaps, { first: -Infinity, last: -Infinity }]) {
		if (gap.first > end) continue;
		const window = wholeYears(Math.max(first, gap.last + 1), end, yearly);
		if (window) return window;
		end = Math.min(end, gap.first - 1);
		if (end < first) return null;
	}
	return null;
}

function wholeYears(first: number, last: number, yearly: boolean): MonthRange | null {
	if (yearly) {
		first = Math.ceil(first / 12) * 12;
		last = Math.floor((last + 1) / 12) * 12 - 1;
	}
	return first <= last ? { first, last } : null;
}

/** The departments whose window differs from the national one for these categories. */
export function departmentsWithOwnCoverage(coverages: readonly CategoryCoverage[]): string[] {
	const codes = new Set<string>();
	for (const c of coverages) for (const code of c.departments.keys()) codes.add(code);
	return [...codes].sort();
}

export type PeriodCoverage = {
	/** The period asked for. */
	requested: MonthRange;
	/** The months the figure is computed over; null when the sources cover none of the period. */
	covered: MonthRange | null;
	months: number;
	coveredMonths: number;
	/** coveredMonths / months. */
	share: number;
	partial: boolean;
};

export function periodCoverage(
	coverages: readonly CategoryCoverage[],
	from: number,
	to: number,
	department?: string
): PeriodCoverage {
	const covered = effectiveWindow(coverages, from, to, department);
	const months = to - from + 1;
	const coveredMonths = covered ? covered.last - covered.first + 1 : 0;
	return {
		requested: { first: from, last: to },
		covered,
		months,
		coveredMonths,
		share: months > 0 ? coveredMonths / months : 0,
		partial: coveredMonths < months
	};
}

/**
 * The two windows a comparison may use: the same covered months in both periods (same offsets from
 * each period's start), so that January–May of one year is compared with January–May of the other.
 * Null when the periods do not have the same length or share no covered month.
 */
export function alignedWindows(
	a: PeriodCoverage,
	b: PeriodCoverage
): { a: MonthRange; b: MonthRange } | null {
	if (!a.covered || !b.covered || a.months !== b.months) return null;
	const start = Math.max(a.covered.first - a.requested.first, b.covered.first - b.requested.first);
	const end = Math.min(a.covered.last - a.requested.first, b.covered.last - b.requested.first);
	if (start > end) return null;
	return {
		a: { first: a.requested.first + start, last: a.requested.first + end },
		b: { first: b.requested.first + start, last: b.requested.first + end }
	};
}

const MONTH_NAMES = {
	es: [
		'enero',
		'febrero',
		'marzo',
		'abril',
		'mayo',
		'junio',
		'julio',
		'agosto',
		'septiembre',
		'octubre',
		'noviembre',
		'diciembre'
	],
	en: [
		'January',
		'February',
		'March',
		'April',
		'May',
		'June',
		'July',
		'August',
		'September',
		'October',
		'November',
		'December'
	]
} as const;

export type Lang = keyof typeof MONTH_NAMES;

/**
 * A month range in words: "enero–mayo de 2025", "2003–2010", "marzo de 2019 – febrero de 2020"
 * (English: "January–May 2025", "March 2019 – February 2020").
 */
export function describeRange(range: MonthRange, lang: Lang): string {
	const names = MONTH_NAMES[lang];
	const y1 = Math.floor(range.first / 12);
	const y2 = Math.floor(range.last / 12);
	const m1 = range.first - y1 * 12;
	const m2 = range.last - y2 * 12;
	const monthYear = (m: number, y: number) => (lang === 'es' ? `${names[m]} de ${y}` : `${names[m]} ${y}`);
	if (m1 === 0 && m2 === 11) return y1 === y2 ? `${y1}` : `${y1}–${y2}`;
	if (y1 === y2) {
		if (m1 === m2) return monthYear(m1, y1);
		return lang === 'es' ? `${names[m1]}–${names[m2]} de ${y1}` : `${names[m1]}–${names[m2]} ${y1}`;
	}
	return `${monthYear(m1, y1)} – ${monthYear(m2, y2)}`;
}

/**
 * The sentence an answer carries when its period is partly covered: "Cubre enero–mayo de 2025 (5 de
 * 12 meses)"; when nothing is covered, says that the sources hold no data for the period.
 */
export function coverageNote(c: PeriodCoverage, lang: Lang): string | null {
	if (!c.partial) return null;
	if (!c.covered) {
		return lang === 'es'
			? `Las fuentes no cubren ${describeRange(c.requested, lang)}: sin datos`
			: `The sources do not cover ${describeRange(c.requested, lang)}: no data`;
	}
	return lang === 'es'
		? `Cubre ${describeRange(c.covered, lang)} (${c.coveredMonths} de ${c.months} meses)`
		: `Covers ${describeRange(c.covered, lang)} (${c.coveredMonths} of ${c.months} months)`;
}
