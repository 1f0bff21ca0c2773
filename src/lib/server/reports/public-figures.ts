import type { Unit } from '$lib/domain/categories';
import { discloseTable } from '$lib/domain/disclosure';
import { percentChange } from '$lib/domain/rates';
import type { AreaValue } from '../stats/stats';

/**
 * Figures per area as they are published: disclosure control for the anonymous public
 * (src/lib/domain/disclosure.ts, docs/disclosure.md), the comparison with a second period, and
 * the cache of public answers.
 */

/** A value as published: the number, or null with the text shown instead. */
export type PublishedValue = AreaValue & {
	suppressed?: string;
	previous?: number | null;
	change?: number | null;
};

export type PublishedTable = { values: PublishedValue[]; total: number | null; totalSuppressed?: string };

/**
 * The values and their total as the caller may see them. For the public, counts of people and
 * events go through `discloseTable` with the total published beside them: small counts are
 * suppressed, and complements too where the total would give a small count back. Hectares
 * identify nobody and are published as they are.
 */
export function disclosed(
	values: AreaValue[],
	publicView: boolean,
	unit: Unit | 'reports',
	level: string
): PublishedTable {
	const exact = values.reduce((sum, v) => sum + (v.count ?? 0), 0);
	if (!publicView || unit === 'hectares') return { values, total: exact };
	const cells = values
		.filter((v) => v.count !== null)
		.map((v) => ({ key: { [level]: v.code }, value: v.count! }));
	const table = discloseTable(cells, { dimensions: [level], totals: [{ [level]: 'all' }] });
	const hidden = new Map<string, string>();
	for (const cell of table.cells) if ('suppressed' in cell) hidden.set(cell.key[level]!, cell.display);
	const total = table.totals[0];
	return {
		values: values.map((v) => {
			const display = hidden.get(v.code);
			return display ? { ...v, value: null, count: null, suppressed: display } : v;
		}),
		total: total && 'value' in total ? total.value : null,
		...(total && 'suppressed' in total ? { totalSuppressed: total.display } : {})
	};
}

/** Each value with the (published) value of the earlier period and the change in percent. */
export function withComparison(current: PublishedValue[], previous: PublishedValue[]): PublishedValue[] {
	const before = new Map(previous.map((v) => [v.code, v]));
	return current.map((v) => {
		const p = before.get(v.code);
		const prev = p?.value ?? null;
		return {
			...v,
			previous: prev,
			change: v.value !== null && prev !== null ? percentChange(prev, v.value) : null
		};
	});
}

/**
 * Public answers are the same for everyone and complementary suppression costs a few hundred
 * milliseconds on 1,122 municipalities: they are kept until the reports change (`version`, the
 * statistics index's), and beyond `size` answers the oldest is dropped first.
 */
export function createPublicCache<T>(version: () => number, size = 256) {
	const answers = new Map<string, T>();
	let cachedVersion = -1;
	return {
		get(key: string, compute: () => T): T {
			const now = version();
			if (now !== cachedVersion) {
				answers.clear();
				cachedVersion = now;
			}
			let answer = answers.get(key);
			if (answer === undefined) {
				answer = compute();
				if (answers.size >= size) answers.delete(answers.keys().next().value!);
				answers.set(key, answer);
			}
			return answer;
		}
	};
}
