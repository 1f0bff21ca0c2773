import type { AreaLayout, PeriodGrid } from '$lib/domain/release/grid';

/**
 * The public release: everything the anonymous public sees, built at once from one snapshot of
 * the database and protected as a whole (docs/disclosure.md). Cells live in typed arrays, one
 * block per category; the rest are plain facts.
 */

/** The three tables of the export, and which categories each holds. */
export const RELEASE_TABLES = ['issues', 'sensitive', 'hectares'] as const;
export type ReleaseTableId = (typeof RELEASE_TABLES)[number];

export type CountBlock = {
	table: 'issues' | 'sensitive';
	category: string;
	grid: PeriodGrid;
	areas: AreaLayout;
	/** Published count, SMALL (−1) or NO_DATA (−3), at `area * grid.size + period`. */
	values: Int32Array;
};

export type ExactBlock = {
	table: 'hectares';
	category: string;
	grid: PeriodGrid;
	areas: AreaLayout;
	/** Exact value, NaN for no data. */
	values: Float64Array;
};

export type Block = CountBlock | ExactBlock;

export type PublicInterval = { estimate: number; low: number; high: number };

export type PublicEstimate =
	| {
			code: string;
			n: number;
			panel: number;
			nonResponse: number;
			attrition: number;
			reliable: true;
			interval: PublicInterval | null;
			shrunk: number | null;
			change: { n: number; meanDifference: number; p: number; significant: boolean } | null;
			demo: boolean;
	  }
	| {
			code: string;
			n: null;
			panel: number;
			demo: boolean;
			interval: null;
			shrunk: null;
			change: null;
			withheld: string;
	  };

export type PublicSeriesPoint =
	| {
			wave: string;
			n: number;
			reliable: true;
			interval: PublicInterval | null;
			change: { n: number; meanDifference: number; p: number; significant: boolean } | null;
	  }
	| { wave: string; n: null; reliable: false; interval: null; change: null; withheld: string };

export type PublicSurveys = {
	waves: string[];
	demo: boolean;
	/** Every municipality with a panel: its size and whether it is demonstration data. */
	panels: { code: string; panel: number; demo: boolean }[];
	/** `${target}|${measure}|${wave}` → one estimate per panel municipality. */
	estimates: Record<string, PublicEstimate[]>;
};

export type PreventionFacts = {
	municipality: { code: string; name: string; department: string };
	issues: { id: string; label: { es: string; en: string } }[];
	dialogues: { programme: string; title: string; year: number; date: string | null }[];
	figures: {
		category: string;
		year: number;
		unit: string;
		value: number | null;
		display: string | null;
		attributions: string[];
	}[];
	booklets: { problem: string; steps: string[]; resources: string | null }[];
	commitments: { total: number; shareDone: number | null };
};

export type StoredCoverage = {
	first: number;
	last: number;
	precision: 'day' | 'month' | 'year';
	absence: 'zero' | 'unknown';
	departments: Record<string, { first: number; last: number }>;
	/** Months inside first … last that no source covers (domain/coverage.ts); none when absent. */
	gaps?: { first: number; last: number }[];
};

/** Everything but the cells, as stored in `releases.facts`. */
export type ReleaseFacts = {
	municipalities: string[];
	/** Queen neighbours by municipality position (local smoothing of published counts). */
	neighbours: number[][];
	/** 2018 census population per municipality, and DANE's estimate by year where there is one. */
	census: number[];
	populationByYear: Record<string, number[]>;
	/** Months with data per category (YYYY-MM), and the sources behind each. */
	extents: Record<string, { from: string; to: string }>;
	/**
	 * What each category's sources cover (domain/coverage.ts), as month indices. Absent in a
	 * release stored before coverage was kept: its categories then cover their months with data.
	 */
	coverage?: Record<string, StoredCoverage>;
	attributions: Record<string, string[]>;
	/** Each block's category, table and grid (first year, years, grains) and area levels. */
	blocks: {
		category: string;
		table: ReleaseTableId;
		firstYear: number;
		years: number;
		grains: string[];
		levels: string[];
	}[];
	surveys: PublicSurveys;
	prevention: Record<string, PreventionFacts>;
};

export type Release = {
	version: number;
	builtAt: string;
	/** The data versions it was built from (see sourcesOf in build.ts). */
	sources: string;
	facts: ReleaseFacts;
	blocks: Map<string, Block>;
};
