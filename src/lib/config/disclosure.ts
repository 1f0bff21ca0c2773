/**
 * Disclosure-control thresholds: the one place they are set. Read by the pure disclosure module
 * (src/lib/domain/disclosure.ts) and by every server route that publishes statistics to the public
 * or in an export. docs/disclosure.md explains each value and the standards it follows.
 *
 * Raising a threshold is always safe; lowering one needs the review described in docs/disclosure.md.
 * They are deliberately not read from the environment, so a deployment cannot weaken them by accident.
 */

/** Time grains of the fixed public period grid. */
export const GRAINS = ['month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];

/** Geographic levels the public may see, finest first. Never a point, a village or an address. */
export const PUBLIC_GEOGRAPHIES = ['municipality', 'department', 'nation'] as const;
export type PublicGeography = (typeof PUBLIC_GEOGRAPHIES)[number];

export type DisclosureConfig = {
	/**
	 * Counts from `min` to `max` inclusive are never published: they are shown as "min–max"
	 * (CMS cell-size suppression policy: 1 to 10). Zero is published: it identifies nobody.
	 */
	readonly smallCell: { readonly min: number; readonly max: number };
	/** Category ids that reach the public only at the coarse geography and grains below. */
	readonly sensitiveCategories: readonly string[];
	readonly sensitive: { readonly geographies: readonly PublicGeography[]; readonly grains: readonly Grain[] };
	/** The public period grid: whole months, quarters or years, never arbitrary ranges. */
	readonly publicGrains: readonly Grain[];
	readonly publicGeographies: readonly PublicGeography[];
	/**
	 * Cell-key perturbation (ABS TableBuilder; ONS 2021 census): every published count of 11 or more
	 * is its true value plus noise from −maxAbs to +maxAbs, drawn from the cell's key, never below
	 * smallCell.max + 1. docs/disclosure.md says what a user loses (exact additivity).
	 */
	readonly perturbation: { readonly maxAbs: number };
	/** The one set of categories the public may see added up: every non-sensitive count category. */
	readonly nonSensitiveGroup: string;
};

export const SENSITIVE_CATEGORY_IDS = [
	'sexual-violence',
	'gender-based-violence',
	'threats-to-leaders',
	'forced-recruitment',
	'lgbtiq-violence',
	'domestic-violence'
] as const;

/** The id of the fixed group of every non-sensitive count category, in the release and its exports. */
export const NON_SENSITIVE_GROUP = 'all-non-sensitive';

export const DISCLOSURE: DisclosureConfig = {
	smallCell: { min: 1, max: 10 },
	sensitiveCategories: SENSITIVE_CATEGORY_IDS,
	sensitive: { geographies: ['department', 'nation'], grains: ['quarter', 'year'] },
	publicGrains: GRAINS,
	publicGeographies: PUBLIC_GEOGRAPHIES,
	perturbation: { maxAbs: 5 },
	nonSensitiveGroup: NON_SENSITIVE_GROUP
};
