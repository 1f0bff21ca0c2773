import type { PublicDictionary } from '$lib/api';
import { isCategoryId, type CategoryId } from '$lib/domain/categories';
import { gridGrain, monthIndex } from '$lib/domain/monthly-cube';

/**
 * What the anonymous public may ask of the figures of reported issues, read from the public
 * release's data dictionary (GET /api/public/dictionary, src/lib/server/release/dictionary.ts)
 * instead of being written again here: the choices (one category, or the fixed group of every
 * non-sensitive count category), and for each the table that publishes it, with its period
 * grains and area levels (sensitive categories: department × quarter or year). The server
 * refuses anything else with 403; the browser offers nothing else.
 */

export type Grain = 'month' | 'quarter' | 'year';
export type PublicGeography = 'municipality' | 'department';

export type PublicChoice = {
	/** A category id, or the group's id (`all-non-sensitive`). */
	id: string;
	label: { es: string; en: string };
	/** The categories asked for: the category itself, or the group's members. */
	categories: CategoryId[];
	sensitive: boolean;
	grains: Grain[];
	/** The finest area the table publishes, among municipalities and departments. */
	geography: PublicGeography;
};

export type PublicPeriod = { from: string; to: string; snapped: boolean };

export class PublicRules {
	/** The group first, then every category, in the dictionary's order. */
	readonly choices: PublicChoice[];
	readonly group: PublicChoice | null;

	/** `yearly`: the categories counted by year (the extent's), published by whole years only. */
	constructor(dictionary: PublicDictionary, yearly: readonly string[] = []) {
		const byYear = new Set(yearly);
		const tables = new Map(dictionary.tables.map((t) => [t.id, t]));
		const choices: PublicChoice[] = [];
		for (const entry of dictionary.categories) {
			const table = tables.get(entry.table);
			if (!table) continue;
			const members = 'members' in entry ? entry.members : [entry.id];
			const categories = members.filter(isCategoryId);
			if (categories.length === 0) continue;
			const levels: readonly string[] = table.levels;
			const grains = table.grains.filter((g): g is Grain => g === 'month' || g === 'quarter' || g === 'year');
			choices.push({
				id: entry.id,
				label: entry.label,
				categories,
				sensitive: entry.sensitive,
				grains: categories.every((c) => byYear.has(c)) ? grains.filter((g) => g === 'year') : grains,
				geography: levels.includes('municipality') ? 'municipality' : 'department'
			});
		}
		this.group = choices.find((c) => c.categories.length > 1) ?? null;
		this.choices = [...(this.group ? [this.group] : []), ...choices.filter((c) => c !== this.group)];
	}

	/** The public choice asked for by a set of categories, or null when the public may not ask it. */
	choiceOf(categories: readonly string[]): PublicChoice | null {
		const chosen = new Set(categories);
		return (
			this.choices.find(
				(c) => c.categories.length === chosen.size && c.categories.every((id) => chosen.has(id))
			) ?? null
		);
	}

	/**
	 * The period to ask for: the one chosen when it is a whole month, quarter or year that the
	 * choice's table publishes, else the whole year of its end (every table publishes years).
	 */
	periodOf(choice: PublicChoice, from: string, to: string): PublicPeriod {
		const grain = gridGrain(monthIndex(from), monthIndex(to));
		if (grain && choice.grains.includes(grain)) return { from, to, snapped: false };
		const year = to.slice(0, 4);
		return { from: `${year}-01`, to: `${year}-12`, snapped: true };
	}

	/** The months one step of Play covers: the finest grain the choice is published at. */
	stepOf(choice: PublicChoice): number {
		return choice.grains.includes('month') ? 1 : choice.grains.includes('quarter') ? 3 : 12;
	}
}
