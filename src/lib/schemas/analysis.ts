import type { PatrolCell } from '$lib/domain/patrol-cells';
import type { Indicator } from '$lib/domain/priority-index';

/**
 * The answers of the analysis API (src/lib/server/api/analysis.ts), shared by the server that
 * builds them and the pages that read them.
 */

/**
 * The raw indicators of the priority index for every municipality, for the 12 months ending at
 * `to`. Inputs that have not landed (no survey wave, no dialogues) are nulls.
 */
export type PriorityInputs = {
	codes: string[];
	names: string[];
	departments: string[];
	window: { from: string; to: string };
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
	values: SpatialValue[];
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
