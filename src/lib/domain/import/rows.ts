import { z } from 'zod';
import { CategoryId } from '../categories';
import type { Mapping, NumberFormat } from './mapping';

/**
 * Turns one record of a source file into reports, following its mapping. Pure: the lookups that
 * need data (known codes, names, polygons) and the digest are passed in, so the rules can be tested
 * without a database and the server side stays I/O only.
 */

export type DatePrecision = 'day' | 'month' | 'year';

/** A report ready to store, before its batch and final source reference are known. */
export type ReportDraft = {
	/** The source reference; `byContent` ones get `#<occurrence>` appended when stored. */
	ref: string;
	byContent: boolean;
	category: CategoryId;
	municipalityCode: string;
	date: string;
	month: string;
	datePrecision: DatePrecision;
	lon: number | null;
	lat: number | null;
	pointPrecision: string | null;
	pointOutside: boolean;
	count: number;
	attributes: string | null;
};

/** A reason a row cannot be stored, naming the row (file line) and the column. */
export type RowProblem = { row: number; column: string | null; reason: string };

export type MunicipalityLookup =
	| { code: string }
	| { error: 'unknown_department' | 'unknown_municipality' | 'ambiguous'; candidates?: string[] };

export type Resolvers = {
	/** A raw code (5 or 8 digits, leading zero optional) → a known municipality code, or null. */
	code: (raw: string) => string | null;
	/** Department and municipality names → a code. */
	names?: (department: string, municipality: string) => MunicipalityLookup;
	/** The municipality whose polygon holds the point, or null (sea, abroad). */
	point?: (lon: number, lat: number) => string | null;
	/** A short, stable digest of a row's values (content references). */
	digest: (values: readonly string[]) => string;
};

export type RowResult = { drafts: ReportDraft[] } | { problems: RowProblem[] };

/** Longest text kept from a source value in an error message or an attribute. */
const MAX_TEXT = 200;

/** Colombia and its islands with a margin: a point outside is an error in the source. */
const BOUNDS = { west: -82.5, south: -4.5, east: -66, north: 14 };

const Draft = z.object({
	category: CategoryId,
	municipalityCode: z.string().regex(/^\d{5}$/),
	date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
	month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
	count: z.number().finite().nonnegative().max(1e9),
	lon: z.number().min(BOUNDS.west).max(BOUNDS.east).nullable(),
	lat: z.number().min(BOUNDS.south).max(BOUNDS.north).nullable()
});

/** Reads a number as the source writes it. `- 0` and `-` (a dash for nothing) are zero; blank is null. */
export function parseNumber(text: string, format: NumberFormat): number | null {
	const t = text.trim();
	if (t === '') return null;
	if (/^-\s*0?$/.test(t)) return 0;
	let normalised = t;
	if (format === 'en') normalised = t.replace(/,(?=\d{3}(\D|$))/g, '');
	if (format === 'es') normalised = t.replace(/\.(?=\d{3}(\D|$))/g, '').replace(',', '.');
	if (!/^-?\d+(\.\d+)?$/.test(normalised)) return Number.NaN;
	return Number(normalised);
}

function isRealDate(y: number, m: number, d: number): boolean {
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

type ParsedDate = { date: string; month: string; precision: DatePrecision };

/** A date from its parts; a zero or missing day (month) lowers the precision to month (year). */
export function dateFromParts(year: number, month: number | null, day: number | null): ParsedDate | string {
	if (!Number.isInteger(year) || year < 1900 || year > 2100)
		return `year ${year} is not between 1900 and 2100`;
	if (!month) return { date: pad(year, 4), month: `${pad(year, 4)}-01`, precision: 'year' };
	if (!Number.isInteger(month) || month < 1 || month > 12) return `month ${month} is not 1–12`;
	const ym = `${pad(year, 4)}-${pad(month)}`;
	if (!day) return { date: ym, month: ym, precision: 'month' };
	if (!isRealDate(year, month, day)) return `${ym}-${pad(day)} is not a real date`;
	return { date: `${ym}-${pad(day)}`, month: ym, precision: 'day' };
}

/** A date column in one of the mapping's formats. */
export function parseDate(
	text: string,
	format: 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'YYYY-MM' | 'YYYY'
): ParsedDate | string {
	const t = text.trim();
	const patterns = {
		'YYYY-MM-DD': /^(\d{4})-(\d{2})-(\d{2})$/,
		'DD/MM/YYYY': /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
		'YYYY-MM': /^(\d{4})-(\d{2})$/,
		YYYY: /^(\d{4})$/
	};
	const match = patterns[format].exec(t);
	if (!match) return `"${clip(t)}" is not a date in the format ${format}`;
	const n = match.slice(1).map(Number);
	if (format === 'DD/MM/YYYY') return dateFromParts(n[2]!, n[1]!, n[0]!);
	if (format === 'YYYY') return dateFromParts(n[0]!, null, null);
	if (format === 'YYYY-MM') return dateFromParts(n[0]!, n[1]!, null);
	return dateFromParts(n[0]!, n[1]!, n[2]!);
}

/** A source value shortened and stripped of control characters, safe to echo in a message. */
export function clip(text: string): string {
	// eslint-disable-next-line no-control-regex
	const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
	return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

/**
 * A function that maps one record (its values in the order of `header`) found at `row` of the
 * file to its reports, or to the problems that stop it.
 */
export function createRowMapper(
	mapping: Mapping,
	header: readonly string[],
	resolvers: Resolvers
): (values: readonly string[], row: number) => RowResult {
	const wide = mapping.wide;
	const wideColumns = wide ? header.filter((h) => new RegExp(wide.columns).test(h)) : [];
	const attributeEntries = Object.entries(mapping.attributes);
	// Column positions, looked up once: this runs for millions of rows.
	const indexOf = new Map(header.map((column, i) => [column, i]));

	return (values, row) => {
		const problems: RowProblem[] = [];
		const get = (column: string) => values[indexOf.get(column) ?? -1] ?? '';
		const fail = (column: string | null, reason: string) => problems.push({ row, column, reason });

		// Category
		let category: CategoryId | null = null;
		if ('value' in mapping.category) category = mapping.category.value;
		else {
			const rule = mapping.category;
			const raw = get(rule.column).trim();
			if (Object.hasOwn(rule.values, raw)) {
				const mapped = rule.values[raw];
				if (mapped === null) return { drafts: [] };
				category = mapped!;
			} else if (rule.otherwise !== 'reject') category = rule.otherwise;
			else fail(rule.column, `"${clip(raw)}" is not a value the mapping assigns to a category`);
		}

		// Point (read before the municipality: it may be what locates it)
		let lon: number | null = null;
		let lat: number | null = null;
		if (mapping.point) {
			const rawLon = get(mapping.point.lon);
			const rawLat = get(mapping.point.lat);
			if (rawLon.trim() !== '' || rawLat.trim() !== '') {
				const x = parseNumber(rawLon, 'plain');
				const y = parseNumber(rawLat, 'plain');
				if (x === null || Number.isNaN(x) || x < BOUNDS.west || x > BOUNDS.east) {
					fail(
						mapping.point.lon,
						`longitude "${clip(rawLon)}" is not a number inside Colombia (${BOUNDS.west} to ${BOUNDS.east})`
					);
				} else if (y === null || Number.isNaN(y) || y < BOUNDS.south || y > BOUNDS.north) {
					fail(
						mapping.point.lat,
						`latitude "${clip(rawLat)}" is not a number inside Colombia (${BOUNDS.south} to ${BOUNDS.north})`
					);
				} else [lon, lat] = [x, y];
			}
		}

		// Municipality: code, then names, then the point
		const rule = mapping.municipality;
		let code: string | null = null;
		let codeProblem: [string, string] | null = null;
		if (rule.code && get(rule.code).trim() !== '') {
			code = resolvers.code(get(rule.code));
			if (!code) codeProblem = [rule.code, `"${clip(get(rule.code))}" is not the code of a municipality`];
		}
		if (!code && rule.department && rule.name && resolvers.names) {
			const found = resolvers.names(get(rule.department), get(rule.name));
			if ('code' in found) code = found.code;
			else if (!codeProblem) {
				codeProblem = [
					rule.name,
					`"${clip(get(rule.name))}" (${clip(get(rule.department))}) is not a municipality the names resolve to (${found.error.replaceAll('_', ' ')})`
				];
			}
		}
		let locatedFromPoint = false;
		if (!code && rule.fromPoint && lon !== null && lat !== null && resolvers.point) {
			code = resolvers.point(lon, lat);
			locatedFromPoint = code !== null;
		}
		if (!code) {
			if (codeProblem) fail(...codeProblem);
			else
				fail(
					rule.code ?? rule.name ?? null,
					'no municipality: the code, names and point are all missing or unknown'
				);
		}
		// A point outside the municipality the row states is flagged, never moved.
		const pointOutside =
			code !== null && !locatedFromPoint && lon !== null && lat !== null && resolvers.point !== undefined
				? resolvers.point(lon, lat) !== code
				: false;

		// Date (wide files take it from each column's header)
		let date: ParsedDate | null = null;
		if (mapping.date) {
			const d = mapping.date;
			let parsed: ParsedDate | string;
			if ('column' in d) parsed = parseDate(get(d.column), d.format);
			else {
				const part = (c: string | undefined) =>
					c === undefined ? null : get(c).trim() === '' ? null : Number(get(c));
				parsed = dateFromParts(Number(get(d.year)), part(d.month), part(d.day));
			}
			if (typeof parsed === 'string') fail('column' in d ? d.column : d.year, parsed);
			else date = parsed;
		}

		// Count(s)
		const counts: { column: string | null; value: number; date: ParsedDate | null }[] = [];
		if (wide) {
			for (const column of wideColumns) {
				const value = parseNumber(get(column), wide.formatByColumn[column] ?? wide.format);
				if (value === null) continue;
				if (Number.isNaN(value) || value < 0) {
					fail(column, `"${clip(get(column))}" is not a non-negative number`);
					continue;
				}
				const year = dateFromParts(Number(column), null, null);
				if (typeof year === 'string') fail(column, year);
				else counts.push({ column, value, date: year });
			}
		} else if ('value' in mapping.count) counts.push({ column: null, value: mapping.count.value, date });
		else {
			const column = mapping.count.column;
			const parsed = parseNumber(get(column), mapping.count.format);
			const value = parsed === null && mapping.count.blank === 'zero' ? 0 : parsed;
			if (value === null || Number.isNaN(value) || value < 0) {
				fail(column, `"${clip(get(column))}" is not a non-negative number`);
			} else counts.push({ column, value, date });
		}

		if (problems.length > 0) return { problems };

		// Reference
		let ref: string;
		const byContent = 'content' in mapping.reference;
		if ('columns' in mapping.reference) {
			const parts = mapping.reference.columns.map((c) => get(c).trim());
			const empty = mapping.reference.columns.find((_, i) => parts[i] === '');
			if (empty) return { problems: [{ row, column: empty, reason: 'the reference column is empty' }] };
			ref = parts.join('|');
		} else ref = resolvers.digest(values);
		ref = `${mapping.id}:${ref}`;

		let attributes: string | null = null;
		if (attributeEntries.length > 0) {
			const kept: Record<string, string> = {};
			for (const [name, column] of attributeEntries) {
				const value = get(column).trim();
				if (value !== '') kept[name] = value.slice(0, MAX_TEXT);
			}
			attributes = Object.keys(kept).length > 0 ? JSON.stringify(kept) : null;
		}

		const drafts: ReportDraft[] = [];
		for (const c of counts) {
			if (mapping.skipZero && c.value === 0) continue;
			const candidate = {
				ref: wide ? `${ref}|${c.column}` : ref,
				byContent,
				category: category!,
				municipalityCode: code!,
				date: c.date!.date,
				month: c.date!.month,
				datePrecision: c.date!.precision,
				lon,
				lat,
				pointPrecision: lon === null ? null : mapping.point!.precision,
				pointOutside,
				count: c.value,
				attributes
			};
			const checked = Draft.safeParse(candidate);
			if (!checked.success) {
				const issue = checked.error.issues[0]!;
				return {
					problems: [{ row, column: c.column, reason: `${String(issue.path[0])}: ${issue.message}` }]
				};
			}
			drafts.push(candidate);
		}
		return { drafts };
	};
}
