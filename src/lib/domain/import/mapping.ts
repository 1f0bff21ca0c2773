import { z } from 'zod';
import { SourceCoverage } from '../coverage';
import { CategoryId } from '../categories';

/**
 * A mapping file (JSON) says how the columns of one kind of source file become reports, so that
 * real files load as published, without editing them. data/mappings/ holds one per real dataset;
 * docs/import.md documents every field with examples.
 */

const Slug = z
	.string()
	.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug such as "policia-homicidios"')
	.max(60);
const Column = z.string().min(1).max(200);

/** How numbers are written: `plain` (7943.2), `en` (7,943.2) or `es` (7.943,2). */
export const NumberFormat = z.enum(['plain', 'en', 'es']);
export type NumberFormat = z.infer<typeof NumberFormat>;

const CategoryRule = z.union([
	z.object({ value: CategoryId }).strict(),
	z
		.object({
			column: Column,
			/** Source value → category; `null` drops rows with that value on purpose. */
			values: z.record(z.string(), CategoryId.nullable()),
			/** A value not listed: reject the row (default), or file it under one category. */
			otherwise: CategoryId.or(z.literal('reject')).default('reject')
		})
		.strict()
]);

const MunicipalityRule = z
	.object({
		/** A 5-digit municipality or 8-digit populated-centre code, leading zero optional. */
		code: Column.optional(),
		/** Department and municipality names, used when there is no usable code. */
		department: Column.optional(),
		name: Column.optional(),
		/** Locate the row's point in the boundaries when neither code nor names resolve. */
		fromPoint: z.boolean().default(false)
	})
	.strict()
	.refine((m) => m.code || (m.department && m.name) || m.fromPoint, {
		message: 'give a code column, department and name columns, or fromPoint'
	});

const DateRule = z.union([
	z.object({ column: Column, format: z.enum(['YYYY-MM-DD', 'DD/MM/YYYY', 'YYYY-MM', 'YYYY']) }).strict(),
	/** Separate columns; a missing or `00` day (or month) lowers the precision to month (or year). */
	z.object({ year: Column, month: Column.optional(), day: Column.optional() }).strict()
]);

const CountRule = z.union([
	z.object({ value: z.number().nonnegative() }).strict(),
	z
		.object({
			column: Column,
			format: NumberFormat.default('plain'),
			/**
			 * `zero`: a blank cell is a count of zero (a panel that leaves a cell empty where its source
			 * registered nothing, e.g. CEDE's RUV columns). Left out, a blank count rejects the row.
			 */
			blank: z.literal('zero').optional()
		})
		.strict()
]);

const ReferenceRule = z.union([
	/** Columns that identify a row within its source (an id, or code + year). */
	z.object({ columns: z.array(Column).min(1) }).strict(),
	/**
	 * No id in the file: a digest of the row's whole content plus its occurrence number among
	 * identical rows, so that re-importing the same file adds nothing while true repeats are kept.
	 */
	z.object({ content: z.literal(true) }).strict()
]);

const PointRule = z
	.object({
		lon: Column,
		lat: Column,
		precision: z.enum(['exact', 'populated-centre', 'municipality'])
	})
	.strict();

/** One column per period (e.g. years `2001` … `2023`), each a value for that period. */
const WideRule = z
	.object({
		columns: z.string().max(200).default('^\\d{4}$'),
		/** The header of a wide column is a year. */
		period: z.literal('year'),
		format: NumberFormat.default('plain'),
		/** Columns written in another format, e.g. `{"2020": "es"}`. */
		formatByColumn: z.record(z.string(), NumberFormat).default({})
	})
	.strict();

export const Mapping = z
	.object({
		id: Slug,
		/** The publisher, e.g. `policia-nacional`: source references are unique per source. */
		source: Slug,
		/** Shown wherever these figures appear. */
		attribution: z.string().min(1).max(300),
		description: z.string().max(2000).optional(),
		format: z.enum(['csv', 'geojson']).default('csv'),
		csv: z
			.object({
				delimiter: z.enum([',', ';', '\t', 'auto']).default('auto'),
				encoding: z.enum(['utf-8', 'latin1', 'auto']).default('auto')
			})
			.strict()
			.default({ delimiter: 'auto', encoding: 'auto' }),
		category: CategoryRule,
		municipality: MunicipalityRule,
		date: DateRule.optional(),
		count: CountRule.default({ value: 1 }),
		/** Rows (or wide cells) whose count is zero are not stored: zero is not an event. */
		skipZero: z.boolean().default(false),
		reference: ReferenceRule,
		point: PointRule.optional(),
		/** Extra fields kept with each report: output name → column. */
		attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), Column).default({}),
		wide: WideRule.optional(),
		/** What the source covers (months, precision, meaning of absence): domain/coverage.ts. */
		coverage: SourceCoverage.optional()
	})
	.strict()
	.superRefine((m, ctx) => {
		if (!m.date && !m.wide)
			ctx.addIssue({ code: 'custom', message: 'give `date`, or `wide` for one column per year' });
		if (m.municipality.fromPoint && !m.point) {
			ctx.addIssue({ code: 'custom', message: '`municipality.fromPoint` needs a `point` rule' });
		}
		if (m.wide) {
			try {
				new RegExp(m.wide.columns);
			} catch {
				ctx.addIssue({ code: 'custom', message: '`wide.columns` is not a valid regular expression' });
			}
		}
	});
export type Mapping = z.infer<typeof Mapping>;
export type MappingInput = z.input<typeof Mapping>;

/** Every column a mapping reads (the file's header must have them all). */
export function columnsOf(mapping: Mapping): string[] {
	const columns = new Set<string>();
	const add = (c: string | undefined) => c && columns.add(c);
	if ('column' in mapping.category) add(mapping.category.column);
	add(mapping.municipality.code);
	add(mapping.municipality.department);
	add(mapping.municipality.name);
	if (mapping.date) {
		if ('column' in mapping.date) add(mapping.date.column);
		else [mapping.date.year, mapping.date.month, mapping.date.day].forEach(add);
	}
	if ('column' in mapping.count) add(mapping.count.column);
	if ('columns' in mapping.reference) mapping.reference.columns.forEach(add);
	if (mapping.point) [mapping.point.lon, mapping.point.lat].forEach(add);
	Object.values(mapping.attributes).forEach(add);
	return [...columns];
}
