/**
 * Read-only lookups built once per derived value (a new answer from the server): plain Maps,
 * never mutated afterwards, so they need no Svelte reactivity of their own.
 */

export function byKey<T>(items: readonly T[], key: (item: T) => string): ReadonlyMap<string, T> {
	return new Map(items.map((item) => [key(item), item]));
}

/** One value per key, e.g. the name of each municipality code. */
export function valueByKey<T, V>(
	items: readonly T[],
	key: (item: T) => string,
	value: (item: T) => V
): ReadonlyMap<string, V> {
	return new Map(items.map((item) => [key(item), value(item)]));
}

/** Position of each value in `list`. */
export function positions(list: readonly string[]): ReadonlyMap<string, number> {
	return new Map(list.map((value, i) => [value, i]));
}

/** How many items fall under each key, e.g. municipalities per cluster. */
export function countByKey<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
	return out;
}
