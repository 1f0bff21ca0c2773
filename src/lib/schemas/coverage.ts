import { z } from 'zod';

/**
 * What every aggregated figure says about itself (stats/stats.ts `notes`, domain/coverage.ts and
 * domain/denominators.ts): the months its sources cover within the period asked for, the gap in
 * words, and the caveats of its denominators. Shared by the API answers and the browser.
 */

const Month = z.string();
const Words = z.object({ es: z.string(), en: z.string() });

export const FigureCoverage = z.object({
	from: Month,
	to: Month,
	/** The months the figure is computed over; null when the sources cover none of the period. */
	covered: z.object({ from: Month, to: Month }).nullable(),
	months: z.number().int(),
	coveredMonths: z.number().int(),
	share: z.number(),
	partial: z.boolean(),
	/** The covered months in words ("enero–mayo de 2025"). */
	label: Words.nullable(),
	/** The sentence to show when partial ("Cubre enero–mayo de 2025 (5 de 12 meses)"). */
	note: Words.nullable(),
	/** Departments whose covered months differ from the national ones. */
	departments: z.array(z.object({ code: z.string(), from: Month.nullable(), to: Month.nullable() })),
	/** Per category: what its sources cover, how precise, and what a municipality's absence means. */
	categories: z.record(
		z.string(),
		z
			.object({
				from: Month,
				to: Month,
				precision: z.enum(['day', 'month', 'year']),
				absence: z.enum(['zero', 'unknown']),
				/** Months inside from … to that its sources do not cover (e.g. a lost year). */
				gaps: z.array(z.object({ from: Month, to: Month })).optional()
			})
			.nullable()
	)
});
export type FigureCoverage = z.infer<typeof FigureCoverage>;

export const FigureDenominator = z.object({
	per: z.number(),
	perYear: z.literal(true),
	source: z.enum(['projections', 'census-2018']),
	substituted: z.array(z.object({ year: z.number().int(), used: z.number().int() })),
	bases: z.array(z.enum(['CNPV 2005', 'CNPV 2018'])),
	/** The caveats in words, or null when there is none. */
	text: Words.nullable()
});
export type FigureDenominator = z.infer<typeof FigureDenominator>;

export type FigureNotes = { coverage: FigureCoverage; denominator: FigureDenominator };
