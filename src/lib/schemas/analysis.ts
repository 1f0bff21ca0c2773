import type { FigureCoverage } from './coverage';
import type { EhsaCategory } from '$lib/domain/emerging-hot-spots';
import { z } from 'zod';
import { categoryById, type CategoryId } from '$lib/domain/categories';
import type { PatrolCell } from '$lib/domain/patrol-cells';
import type { Indicator } from '$lib/domain/priority-index';
import { CategoryList, Flag, Month } from './query';

/**
 * The questions and answers of the analysis service (src/lib/server/analysis/service.ts) and its
 * API (src/lib/server/api/analysis.ts), shared by the server that builds them and the pages that
 * read them.
 */

/** `weights=homicide:2,extortion:0.5`: a weight per category, 0–10. */
export const CategoryWeights = z
	.string()
	.max(600)
	.transform((text, ctx) => {
		const out: Record<string, number> = {};
		for (const part of text.split(',').filter(Boolean)) {
			const [id, value] = part.split(':');
			const weight = Number(value);
			if (!id || !categoryById(id as CategoryId) || !(weight >= 0 && weight <= 10))
				ctx.addIssue({ code: 'custom', message: `"${part.slice(0, 40)}" is not category:weight (0–10)` });
			else out[id] = weight;
		}
		return out;
	});

/** `GET /api/analysis/patrol` and `/patrol.geojson`. */
export const PatrolParams = z.object({
	category: CategoryList,
	weights: CategoryWeights.optional(),
	to: Month.optional(),
	resolution: z.coerce.number().int().min(5).max(9).default(7),
	half_life_days: z.coerce.number().int().min(7).max(3650).default(365),
	area: z
		.string()
		.regex(/^\d{2}(\d{3})?$/, 'must be a department (2 digits) or municipality (5 digits) code')
		.optional()
});
export type PatrolParams = z.infer<typeof PatrolParams>;

/** `GET /api/analysis/local-moran` and `/getis-ord`. */
export const SpatialParams = z
	.object({
		category: CategoryList,
		from: Month.optional(),
		to: Month.optional(),
		measure: z.enum(['rate', 'smoothed_rate']).default('rate'),
		permutations: z.coerce.number().int().min(99).max(9999).default(999),
		seed: z.coerce
			.number()
			.int()
			.min(0)
			.max(2 ** 32 - 1)
			.default(2021),
		fdr: Flag.default(false),
		alpha: z.coerce.number().min(0.0001).max(0.2).default(0.05)
	})
	.refine((p) => !p.from || !p.to || p.from <= p.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});
export type SpatialParams = z.infer<typeof SpatialParams>;

/**
 * `GET /api/analysis/emerging-hot-spots`: Emerging Hot Spot Analysis of the rates per calendar
 * quarter or year. `from` and `to` widen to whole steps; the default ends with the last step that
 * the latest month with data completes and reaches 6 years back.
 *
 * `significance`: each step's p-values are the two-sided normal p of the Gi* z-value by default,
 * as ArcGIS's EHSA does, or the hot-spot map's conditional-permutation pseudo p-values. Both are
 * then FDR-corrected within the step. The default is not the permutations because their floor,
 * 1 / (permutations + 1), meets Benjamini-Hochberg's k·α/n over 1,122 municipalities: on the
 * quarterly homicide rates of 2019–2024 no municipality is significant in any quarter with 999
 * permutations, where the normal p finds 20–72 a quarter.
 */
export const EmergingHotSpotsParams = z
	.object({
		category: CategoryList,
		from: Month.optional(),
		to: Month.optional(),
		step: z.enum(['quarter', 'year']).default('quarter'),
		measure: z.enum(['rate', 'smoothed_rate']).default('rate'),
		significance: z.enum(['normal', 'permutation']).default('normal'),
		permutations: z.coerce.number().int().min(99).max(9999).default(999),
		seed: z.coerce
			.number()
			.int()
			.min(0)
			.max(2 ** 32 - 1)
			.default(2021),
		alpha: z.coerce.number().min(0.0001).max(0.2).default(0.05)
	})
	.refine((p) => !p.from || !p.to || p.from <= p.to, {
		message: '`from` must not be after `to`',
		path: ['from']
	});
export type EmergingHotSpotsParams = z.infer<typeof EmergingHotSpotsParams>;

/** `GET /api/analysis/priority-inputs`. */
export const PriorityInputsQuery = z.object({ category: CategoryList, to: Month.optional() });
export type PriorityInputsQuery = z.infer<typeof PriorityInputsQuery>;

/** What a saved scenario reproduces: the chosen categories, the weights and the end month. */
export const ScenarioSettings = z.object({
	categories: z.array(z.string().max(40)).min(1).max(20),
	weights: z.record(z.string().max(60), z.number().min(0).max(10)),
	to: Month.nullable().default(null)
});
export type ScenarioSettings = z.infer<typeof ScenarioSettings>;

/** `POST /api/analysis/scenarios`. */
export const ScenarioInput = z.object({ name: z.string().trim().min(1).max(80), settings: ScenarioSettings });
export type ScenarioInput = z.infer<typeof ScenarioInput>;

/** `DELETE /api/analysis/scenarios/:id`. */
export const ScenarioId = z.object({ id: z.coerce.number().int().positive() });

export type SavedScenario = {
	id: number;
	name: string;
	settings: ScenarioSettings;
	createdAt: string;
	/** The email of who saved it; null once that user is gone or when saved at the command line. */
	createdBy: string | null;
};

/**
 * The raw indicators of the priority index for every municipality, for the 12 months ending at
 * `to`. Inputs that have not landed (no survey wave, no dialogues) are nulls.
 */
export type PriorityInputs = {
	codes: string[];
	names: string[];
	departments: string[];
	window: { from: string; to: string };
	/** Per category, what its sources cover of the window (partial windows are marked in the UI). */
	coverage: Record<string, FigureCoverage>;
	/** The months the trend compares (the same covered months of both windows); null: no trend. */
	trendWindows: { from: string; to: string; previousFrom: string; previousTo: string } | null;
	/** The survey wave the trust and safety indicators come from (the latest up to `to`). */
	surveyWave: string | null;
	surveyDemo: boolean;
	indicators: Indicator[];
	/** Crude rate of all the chosen categories together, and trust in police and prosecutors: the
	 * inputs of the under-reporting lens. */
	lens: {
		reportRate: (number | null)[];
		trustPolice: (number | null)[];
		trustProsecutors: (number | null)[];
	};
};

export type SpatialStatistic = 'local-moran' | 'getis-ord';

export type SpatialValue = {
	code: string;
	/** The value analysed (per 100,000 inhabitants). */
	value: number | null;
	statistic: number | null;
	z: number | null;
	/** Pseudo p-value from conditional permutations (adjusted when `fdr`). */
	p: number | null;
	cluster: string;
};

export type SpatialResult = {
	statistic: SpatialStatistic;
	window: { from: string; to: string };
	measure: 'rate' | 'smoothed_rate';
	permutations: number;
	seed: number;
	fdr: boolean;
	alpha: number;
	/** Municipalities analysed (with a value); the others come back with the cluster "no-data". */
	analysed: number;
	/** What the categories' sources cover of the window (rates per 100,000 per year). */
	coverage: FigureCoverage;
	values: SpatialValue[];
};

export type EmergingHotSpotValue = {
	code: string;
	/** One of the 17 patterns; "no-data" when the municipality lacks a rate in some step. */
	category: EhsaCategory | 'no-data';
	/** Gi* z-value per analysed step, oldest first (rounded to 1e-6). */
	z: number[];
	/** The step's p-value (normal or permutation), Benjamini-Hochberg adjusted within the step. */
	p: (number | null)[];
	/** Mann-Kendall test of the z series: Kendall's tau-b, z and two-sided p. */
	trend: { tau: number | null; z: number | null; p: number | null } | null;
};

export type EmergingHotSpotsResult = {
	window: { from: string; to: string };
	step: 'quarter' | 'year';
	measure: 'rate' | 'smoothed_rate';
	significance: 'normal' | 'permutation';
	/** Used with `significance: 'permutation'` only. */
	permutations: number;
	seed: number;
	alpha: number;
	/** Always true: each step's p-values are FDR-corrected, as ArcGIS does. */
	fdr: true;
	/** The steps analysed, oldest first, and those left out because no source covers them. */
	steps: { from: string; to: string }[];
	skippedSteps: { from: string; to: string }[];
	analysed: number;
	/** The 17 patterns, in the legend's order. */
	categories: EhsaCategory[];
	coverage: FigureCoverage;
	values: EmergingHotSpotValue[];
};

export type PatrolResult = {
	/** Point reports used, and whether they were too few to draw cells. */
	pointReports: number;
	tooFew: boolean;
	cells: PatrolCell[];
	/** Monday first; null when no report gives its day. */
	weekdays: number[] | null;
	/** No source gives the hour of a report yet; kept in the answer so the view can say so. */
	hours: null;
	window: { to: string };
};

export type PatrolOptions = {
	/** Categories with located reports inside the jurisdiction, and the last month of each. */
	categories: { id: string; pointReports: number; to: string }[];
	/** Areas the view can narrow to: departments (whole ones only) and municipalities. */
	areas: { code: string; name: string; kind: 'department' | 'municipality' }[];
	/** The jurisdiction's bounding box, to frame the map: [west, south, east, north], or null. */
	bbox: [number, number, number, number] | null;
};
