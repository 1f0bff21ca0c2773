import { NO_DATA, SMALL, WITHHELD } from './blocks';
import { parsePeriodId, periodIdOf, type AreaLayout, type PeriodGrid } from './grid';

/**
 * What a provider may know of a municipality OUTSIDE its jurisdiction: only what the public
 * release publishes. Its restricted figures (smoothed rates, local Moran, Gi*) are computed on
 * a "view" of the country — exact counts inside the jurisdiction, the counts below outside it —
 * so that no border statistic encodes an exact outside count (issue 14; src/lib/server/scope.ts).
 * Every value here is a function of published cells only, never of a true count. Pure.
 *
 * Fixed rules, whatever the true counts are:
 * - the months asked for are covered by the coarsest whole periods of the public grid (years,
 *   then quarters, then months), and their published cells are added;
 * - a suppressed cell (1–10) counts as `smallValue`, the midpoint of the small range (all the
 *   public knows of it; the same rule as the public smoothed rates, rates.ts);
 * - a withheld cell ("—", guard.ts) counts as the sum of its published parts one grain finer
 *   (a year its quarters, a quarter its months, by these same rules); a withheld month counts as
 *   `smallValue`, like a suppressed one;
 * - a period outside the block's years had no reports: 0 for a covered municipality;
 * - a category that the release has no municipality cells for (the sensitive ones: department ×
 *   quarter/year only) makes the municipality missing: no value and, in spatial statistics and
 *   local smoothing, no neighbour;
 * - a municipality without data in every asked category (NO_DATA) has no value.
 */

/** The shape of a release block this module reads (server/release/types.ts `Block`). */
export type PublishedBlock = {
	readonly table: string;
	readonly grid: PeriodGrid;
	readonly areas: AreaLayout;
	readonly values: ArrayLike<number>;
};

/** The whole grid periods (YYYY, YYYY-Qn, YYYY-MM) that cover months `from` … `to`, coarsest first. */
export function coveringPeriods(from: number, to: number): string[] {
	const out: string[] = [];
	let t = from;
	while (t <= to) {
		const span = t % 12 === 0 && t + 11 <= to ? 12 : t % 3 === 0 && t + 2 <= to ? 3 : 1;
		out.push(periodIdOf(t, t + span - 1)!);
		t += span;
	}
	return out;
}

const grainOf = (id: string) => (id.length === 4 ? 'year' : id.includes('Q') ? 'quarter' : 'month');

/**
 * The published count of one municipality over months `from` … `to`, summed over the blocks of
 * the asked categories (undefined: the category has no reports at all). Null: no value (see the
 * rules above).
 */
export function publishedMunicipalityCount(
	blocks: readonly (PublishedBlock | undefined)[],
	code: string,
	from: number,
	to: number,
	smallValue: number
): number | null {
	const periods = coveringPeriods(from, to);
	let covered = false;
	let sum = 0;
	for (const block of blocks) {
		if (!block) continue;
		const area = block.areas.indexOf('municipality', code);
		if (!block.areas.has('municipality')) return null;
		if (area < 0) return null;
		const row = area * block.grid.size;
		const first = block.values[row]!;
		if (first === NO_DATA || Number.isNaN(first)) continue;
		covered = true;
		for (const id of periods) {
			if (!block.grid.has(grainOf(id))) return null;
			const index = block.grid.indexOf(id);
			if (index < 0) continue;
			sum += publishedValueOf(block, row, id, smallValue);
		}
	}
	return covered ? sum : null;
}

/** One published cell of a municipality's row by the rules above (the period is in the grid). */
function publishedValueOf(block: PublishedBlock, row: number, id: string, smallValue: number): number {
	const v = block.values[row + block.grid.indexOf(id)]!;
	if (block.table === 'hectares') return v;
	if (v === SMALL) return smallValue;
	if (v !== WITHHELD) return v;
	const finer = finerPartsOf(id, block.grid);
	if (!finer) return smallValue;
	return finer.reduce((sum, part) => sum + publishedValueOf(block, row, part, smallValue), 0);
}

/**
 * A year's quarters (its months when the grid has no quarters) or a quarter's months, as period
 * ids of the grid; null for a month or when the grid has no finer grain.
 */
function finerPartsOf(id: string, grid: PeriodGrid): string[] | null {
	const period = parsePeriodId(id)!;
	if (period.grain === 'month') return null;
	const span = period.grain === 'year' && grid.has('quarter') ? 3 : 1;
	if (span === 1 && !grid.has('month')) return null;
	const first = period.year * 12 + (period.grain === 'quarter' ? period.part * 3 : 0);
	const months = period.grain === 'year' ? 12 : 3;
	return Array.from({ length: months / span }, (_, i) =>
		periodIdOf(first + i * span, first + (i + 1) * span - 1)!
	);
}
