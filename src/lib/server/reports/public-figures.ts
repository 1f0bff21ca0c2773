import { percentChange } from '$lib/domain/rates';
import type { AreaValue } from '../stats/stats';

/**
 * Figures per area as they are answered, and the comparison with a second period. Restricted
 * roles get them exact, from the statistics index; the anonymous public gets them from the public
 * release (src/lib/server/release/slices.ts), perturbed, whose answers have the same shape.
 */

/** A value as answered: the number, or null with the text shown instead ("1–10"). */
export type PublishedValue = AreaValue & {
	suppressed?: string;
	previous?: number | null;
	change?: number | null;
};

export type PublishedTable = { values: PublishedValue[]; total: number | null; totalSuppressed?: string };

/** Exact values and their total, for restricted roles. */
export function exactTable(values: AreaValue[]): PublishedTable {
	return { values, total: values.reduce((sum, v) => sum + (v.count ?? 0), 0) };
}

/** Each value with the value of the earlier period and the change in percent. */
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
