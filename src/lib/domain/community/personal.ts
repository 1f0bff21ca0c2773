/**
 * Flags text that looks like it names or reaches a person, so that the community-report form can
 * warn before a description that must never identify a victim, a witness or a leader is saved
 * (issue 18). A heuristic, not a guarantee: it errs towards flagging, and the person confirms.
 *
 * - name: a common Colombian given name, capitalised, followed by a capitalised word (a surname:
 *   "María Pérez", "Juan Carlos Gómez"), or a title before a capitalised word ("don Ramiro",
 *   "la señora Quiñones"). A lone given name is not flagged: "Rosario" and "Victoria" are places.
 * - phone: Colombian mobiles (3xx xxx xxxx), numbers with +57 / 57, the 10-digit landlines of the
 *   2021 numbering plan (60x xxx xxxx) and 7-digit local landlines written in groups (345 67 89).
 * - email: anything shaped like an address.
 */

export type PersonalFlagKind = 'name' | 'phone' | 'email';
export type PersonalFlag = { kind: PersonalFlagKind; text: string };

/** Frequent given names in Colombia (accents folded), from the civil registry's most common. */
const GIVEN_NAMES = new Set([
	'maria',
	'jose',
	'luis',
	'juan',
	'carlos',
	'jorge',
	'ana',
	'luz',
	'martha',
	'marta',
	'rosa',
	'gloria',
	'carmen',
	'blanca',
	'sandra',
	'claudia',
	'diana',
	'paola',
	'andrea',
	'carolina',
	'alejandra',
	'natalia',
	'daniela',
	'valentina',
	'camila',
	'sofia',
	'laura',
	'paula',
	'angela',
	'adriana',
	'patricia',
	'luisa',
	'fernanda',
	'liliana',
	'yolanda',
	'olga',
	'marleny',
	'nubia',
	'yaneth',
	'yenny',
	'leidy',
	'yuliana',
	'diego',
	'andres',
	'felipe',
	'santiago',
	'sebastian',
	'alejandro',
	'david',
	'daniel',
	'miguel',
	'angel',
	'pedro',
	'pablo',
	'jesus',
	'antonio',
	'francisco',
	'manuel',
	'javier',
	'oscar',
	'fabio',
	'hernan',
	'hector',
	'jaime',
	'julio',
	'cesar',
	'eduardo',
	'ricardo',
	'mario',
	'alberto',
	'fernando',
	'gustavo',
	'alvaro',
	'william',
	'wilson',
	'jhon',
	'john',
	'edwin',
	'fredy',
	'nelson',
	'orlando',
	'ramiro',
	'rodrigo',
	'victor',
	'hugo',
	'gabriel',
	'camilo',
	'mauricio',
	'esteban',
	'cristian',
	'jairo',
	'arley',
	'yeison',
	'brayan',
	'kevin',
	'mateo',
	'samuel',
	'nicolas',
	'emilio',
	'elkin',
	'edgar',
	'ruben',
	'raul',
	'isabel',
	'beatriz',
	'elena',
	'teresa',
	'margarita',
	'esperanza',
	'mercedes',
	'amparo',
	'consuelo',
	'dora',
	'stella',
	'ligia',
	'socorro',
	'fabiola',
	'yamile',
	'yesenia',
	'viviana',
	'johana',
	'marcela',
	'monica',
	'lorena',
	'tatiana',
	'catalina',
	'mariana',
	'juliana',
	'eliana'
]);

const TITLES =
	/\b(?:don|doña|dona|señor|señora|senor|senora|sr\.?|sra\.?|profe(?:sor|sora)?|líder|lider)\s+(\p{Lu}[\p{Ll}']+)/gu;
const CAPITALISED = /\p{Lu}[\p{Ll}']+(?:\s+\p{Lu}[\p{Ll}']+)+/gu;
const EMAIL = /[\p{L}\d._%+-]+@[\p{L}\d.-]+\.[\p{L}]{2,}/gu;
// Digits with optional separators (space, dot, hyphen, brackets) between groups.
const PHONES = [
	/(?:\+|\b00)\s?57[\s.-]?(?:\d[\s.()-]?){9}\d\b/g,
	/\b3\d{2}[\s.-]?\d{3}[\s.-]?\d{2}[\s.-]?\d{2}\b/g,
	/\b\(?60[1-8]\)?[\s.-]?\d{3}[\s.-]?\d{4}\b/g,
	/\b\d{3}[\s.-]\d{2}[\s.-]\d{2}\b/g
];

function fold(word: string): string {
	return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Every stretch of `text` that looks like a name, a phone number or an e-mail address. */
export function looksPersonal(text: string): PersonalFlag[] {
	const flags: PersonalFlag[] = [];
	const seen = new Set<string>();
	const add = (kind: PersonalFlagKind, match: string) => {
		const key = `${kind}:${match}`;
		if (seen.has(key)) return;
		seen.add(key);
		flags.push({ kind, text: match });
	};
	for (const m of text.matchAll(EMAIL)) add('email', m[0]);
	const withoutEmails = text.replace(EMAIL, ' ');
	// Most specific first; a number found is blanked so that a shorter pattern does not find it again.
	let rest = withoutEmails;
	for (const pattern of PHONES) {
		for (const m of rest.matchAll(pattern)) add('phone', m[0].trim());
		rest = rest.replace(pattern, ' ');
	}
	for (const m of withoutEmails.matchAll(TITLES)) add('name', m[0]);
	for (const m of withoutEmails.matchAll(CAPITALISED)) {
		const words = m[0].split(/\s+/);
		// A given name followed by at least one more capitalised word.
		const first = words.findIndex((w, i) => i < words.length - 1 && GIVEN_NAMES.has(fold(w)));
		if (first >= 0) add('name', words.slice(first).join(' '));
	}
	return flags;
}

/** The kinds found, each once, in a fixed order (what is stored and audited: never the text). */
export function flagKinds(flags: readonly PersonalFlag[]): PersonalFlagKind[] {
	return (['name', 'phone', 'email'] as const).filter((k) => flags.some((f) => f.kind === k));
}
