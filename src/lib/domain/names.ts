/**
 * Display names from the MGN's upper-case official names, in Spanish title case:
 * 'SAN ANDRÉS DE TUMACO' → 'San Andrés de Tumaco', 'BOGOTÁ, D.C.' → 'Bogotá, D.C.'.
 * Articles and prepositions stay lower case except at the start; initials with dots stay upper case.
 */
const LOWER_WORDS = new Set(['de', 'del', 'la', 'las', 'los', 'el', 'y', 'e', 'en']);

/** Official spellings the MGN 2018 file writes without their accent. */
const KNOWN_SPELLINGS: Record<string, string> = {
	QUINDIO: 'Quindío'
};

export function displayName(official: string): string {
	const trimmed = official.trim().replace(/\s+/g, ' ');
	const known = KNOWN_SPELLINGS[trimmed.toUpperCase()];
	if (known) return known;
	let wordIndex = 0;
	return trimmed.replace(/[\p{L}\p{N}.]+/gu, (word) => {
		const index = wordIndex++;
		const lower = word.toLocaleLowerCase('es');
		// Initials such as "D.C." keep their capitals.
		if (/^(\p{L}\.)+$/u.test(word)) return word.toLocaleUpperCase('es');
		if (index > 0 && LOWER_WORDS.has(lower)) return lower;
		return lower.charAt(0).toLocaleUpperCase('es') + lower.slice(1);
	});
}
