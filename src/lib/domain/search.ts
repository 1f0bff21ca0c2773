/**
 * Municipality search as people type it: without accents, in any case, ignoring punctuation
 * ("bogota dc" finds "Bogotá, D.C."), matching whole words or word starts anywhere in the name
 * ("tumaco" finds "San Andrés de Tumaco") or in the department ("narino").
 */

/** Lower case, accents removed (NFD + strip combining marks), punctuation as spaces, single spaces. */
export function normaliseForSearch(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

export type Searchable = { code: string; name: string; departmentName: string };

type Ranked<T> = { item: T; rank: number };

/**
 * Ranks matches: exact name, then name starting with the query, then a name word starting with it,
 * then a match in "name department" together (so "cali valle" works). Within a rank, by name.
 * A query of digits matches DIVIPOLA codes by prefix.
 */
export function searchMunicipalities<T extends Searchable>(
	items: readonly T[],
	query: string,
	limit = 10
): T[] {
	const q = normaliseForSearch(query);
	if (q.length === 0) return [];
	const ranked: Ranked<T>[] = [];
	const isCode = /^\d+$/.test(q);
	for (const item of items) {
		const rank = isCode
			? item.code.startsWith(q.padStart(Math.min(5, q.length), '0'))
				? 0
				: -1
			: rankOf(item, q);
		if (rank >= 0) ranked.push({ item, rank });
	}
	ranked.sort((a, b) => a.rank - b.rank || a.item.name.localeCompare(b.item.name, 'es'));
	return ranked.slice(0, limit).map((r) => r.item);
}

function rankOf(item: Searchable, q: string): number {
	const name = normaliseForSearch(item.name);
	if (name === q) return 0;
	if (name.startsWith(q)) return 1;
	if (name.split(' ').some((_, i, words) => words.slice(i).join(' ').startsWith(q))) return 2;
	const full = `${name} ${normaliseForSearch(item.departmentName)}`;
	const tokens = q.split(' ');
	const words = full.split(' ');
	if (tokens.every((t) => words.some((w) => w.startsWith(t)))) return 3;
	return -1;
}
