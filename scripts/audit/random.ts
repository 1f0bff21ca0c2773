/** Mulberry32: a small seeded generator, uniform on [0, 1). Enough for samples and fixtures. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A 32-bit FNV-1a hash of a string, to seed one generator per cell. */
export function hash32(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

/** `k` distinct items of `items`, drawn uniformly (a partial Fisher–Yates shuffle). */
export function sampleOf<T>(items: readonly T[], k: number, random: () => number): T[] {
	const copy = [...items];
	const n = Math.min(k, copy.length);
	for (let i = 0; i < n; i++) {
		const j = i + Math.floor(random() * (copy.length - i));
		[copy[i], copy[j]] = [copy[j]!, copy[i]!];
	}
	return copy.slice(0, n);
}
