import { z } from 'zod';
import taxonomy from '../../../data/categories.json';
import { SENSITIVE_CATEGORY_IDS } from '../config/disclosure';

/**
 * The issue taxonomy (data/categories.json), validated once at load. Shared by the server (API,
 * importer, statistics) and the browser (legend, filters): pure data, no I/O.
 */

export const CATEGORY_IDS = [
	'homicide',
	'sexual-violence',
	'gender-based-violence',
	'domestic-violence',
	'micro-trafficking',
	'threats-to-leaders',
	'forced-recruitment',
	'forced-displacement',
	'criminal-governance',
	'illicit-crops',
	'illegal-mining',
	'extortion',
	'threats',
	'lgbtiq-violence',
	'land-conflict',
	'land-dispossession',
	'landmines'
] as const;

export const CategoryId = z.enum(CATEGORY_IDS);
export type CategoryId = z.infer<typeof CategoryId>;

/** What a category counts. Rates per inhabitant apply to people and events, not to hectares. */
export const Unit = z.enum(['victims', 'cases', 'people', 'hectares']);
export type Unit = z.infer<typeof Unit>;

const Category = z.object({
	id: CategoryId,
	label: z.object({ es: z.string().min(1), en: z.string().min(1) }),
	colour: z.string().regex(/^#[0-9a-f]{6}$/),
	sensitive: z.boolean(),
	unit: Unit
});
export type Category = z.infer<typeof Category>;

const Taxonomy = z.object({ categories: z.array(Category) }).superRefine(({ categories }, ctx) => {
	const ids = categories.map((c) => c.id);
	for (const id of CATEGORY_IDS) {
		if (!ids.includes(id)) ctx.addIssue({ code: 'custom', message: `category ${id} is missing` });
	}
	if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'duplicate category id' });
	// The disclosure rules and the taxonomy must agree on what is sensitive.
	for (const c of categories) {
		const listed = (SENSITIVE_CATEGORY_IDS as readonly string[]).includes(c.id);
		if (listed !== c.sensitive) {
			ctx.addIssue({
				code: 'custom',
				message: `${c.id}: sensitive flag disagrees with config/disclosure.ts`
			});
		}
	}
});

export const CATEGORIES: readonly Category[] = Taxonomy.parse(taxonomy).categories;

const byId = new Map(CATEGORIES.map((c) => [c.id, c]));

export function categoryById(id: CategoryId): Category {
	return byId.get(id)!;
}

export function isCategoryId(value: string): value is CategoryId {
	return byId.has(value as CategoryId);
}

/** Whether counts of this unit can be divided by population (victims, cases, people). */
export function hasPopulationRate(unit: Unit): boolean {
	return unit !== 'hectares';
}
