/**
 * Counts by category × municipality × month, held as running totals so that the sum over any
 * period is two lookups per municipality: a statistic over all 1,122 municipalities for any
 * categories and any months costs 1,122 × categories subtractions, whatever the number of
 * reports behind it. Pure: src/lib/server/stats fills it from the rollup table.
 */

/** Months as integers: 2019-01 → 2019 × 12 + 0. */
export function monthIndex(month: string): number {
	const match = /^(\d{4})-(\d{2})$/.exec(month);
	if (!match) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
	const m = Number(match[2]);
	if (m < 1 || m > 12) throw new RangeError(`"${month}" is not a month (YYYY-MM)`);
	return Number(match[1]) * 12 + m - 1;
}

export function monthLabel(index: number): string {
	return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export type CubeEntry = { category: string; municipality: number; month: number; count: number };

type Series = {
	first: number;
	months: number;
	/** Running totals: row m holds `months + 1` values, cumulative[m][0] = 0. */
	cumulative: Float64Array;
};

export class MonthlyCube {
	private readonly series = new Map<string, Series>();

	/** `entries` may come in any order; `municipalities` is the number of municipality indices. */
	constructor(
		readonly municipalities: number,
		entries: Iterable<CubeEntry>
	) {
		const byCategory = new Map<string, CubeEntry[]>();
		for (const e of entries) {
			if (e.municipality < 0 || e.municipality >= municipalities) {
				throw new RangeError(`municipality index ${e.municipality} out of range`);
			}
			let list = byCategory.get(e.category);
			if (!list) byCategory.set(e.category, (list = []));
			list.push(e);
		}
		for (const [category, list] of byCategory) {
			let first = Infinity;
			let last = -Infinity;
			for (const e of list) {
				first = Math.min(first, e.month);
				last = Math.max(last, e.month);
			}
			const months = last - first + 1;
			const width = months + 1;
			const cumulative = new Float64Array(municipalities * width);
			for (const e of list) cumulative[e.municipality * width + (e.month - first) + 1]! += e.count;
			for (let m = 0; m < municipalities; m++) {
				const row = m * width;
				for (let t = 1; t < width; t++) cumulative[row + t]! += cumulative[row + t - 1]!;
			}
			this.series.set(category, { first, months, cumulative });
		}
	}

	categories(): string[] {
		return [...this.series.keys()];
	}

	/** The first and last month with data of a category (or of all), as indices; null if none. */
	extent(category?: string): { first: number; last: number } | null {
		const list = category
			? [this.series.get(category)].filter((s) => s !== undefined)
			: [...this.series.values()];
		if (list.length === 0) return null;
		return {
			first: Math.min(...list.map((s) => s.first)),
			last: Math.max(...list.map((s) => s.first + s.months - 1))
		};
	}

	/** Sum per municipality of the categories over months `from` … `to` inclusive. */
	sum(categories: readonly string[], from: number, to: number): Float64Array {
		const out = new Float64Array(this.municipalities);
		for (const category of categories) {
			const s = this.series.get(category);
			if (!s) continue;
			const a = Math.max(from, s.first) - s.first;
			const b = Math.min(to, s.first + s.months - 1) - s.first;
			if (b < a) continue;
			const width = s.months + 1;
			for (let m = 0; m < this.municipalities; m++) {
				const row = m * width;
				out[m]! += s.cumulative[row + b + 1]! - s.cumulative[row + a]!;
			}
		}
		return out;
	}

	/** The sum for one municipality of the categories over months `from` … `to` inclusive. */
	sumOne(categories: readonly string[], municipality: number, from: number, to: number): number {
		let total = 0;
		for (const category of categories) {
			const s = this.series.get(category);
			if (!s) continue;
			const a = Math.max(from, s.first) - s.first;
			const b = Math.min(to, s.first + s.months - 1) - s.first;
			if (b < a) continue;
			const row = municipality * (s.months + 1);
			total += s.cumulative[row + b + 1]! - s.cumulative[row + a]!;
		}
		return total;
	}

	/** Monthly counts of one municipality, summed over the categories, over `from` … `to`. */
	monthly(categories: readonly string[], municipality: number, from: number, to: number): Float64Array {
		const out = new Float64Array(Math.max(0, to - from + 1));
		for (const category of categories) {
			const s = this.series.get(category);
			if (!s) continue;
			const width = s.months + 1;
			const row = municipality * width;
			for (let t = Math.max(from, s.first); t <= Math.min(to, s.first + s.months - 1); t++) {
				const k = t - s.first;
				out[t - from]! += s.cumulative[row + k + 1]! - s.cumulative[row + k]!;
			}
		}
		return out;
	}
}

/**
 * The grid cell (whole month, quarter or year) that months `from` … `to` (indices) form, or null:
 * the only periods the public may ask for (docs/disclosure.md).
 */
export function gridGrain(from: number, to: number): 'month' | 'quarter' | 'year' | null {
	if (from === to) return 'month';
	if (to - from === 2 && from % 3 === 0) return 'quarter';
	if (to - from === 11 && from % 12 === 0) return 'year';
	return null;
}

/**
 * The last whole year of data ending in month `to` (YYYY-MM): that year when it ends in December, or
 * for yearly figures (filed in January); otherwise the year before.
 */
export function lastWholeYear(to: string): number {
	return Number(to.slice(0, 4)) - (to.endsWith('-12') || to.endsWith('-01') ? 0 : 1);
}
