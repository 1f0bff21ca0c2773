import type { MunicipalityLookup } from './import/rows';
import { normaliseForSearch } from './search';

/**
 * Finds the DIVIPOLA code of a municipality as sources write it: codes of 4, 5, 7 or 8 digits
 * (populated-centre codes, leading zero lost by spreadsheets), or department and municipality
 * names in any case, with or without accents, with the Police's `(CT)` mark of capitals and the
 * short or old department names of each source (data/name-aliases.json).
 */

/** A municipality (5 digits) from a 4–5 digit municipality or 7–8 digit populated-centre code. */
export function normaliseCode(input: string): string | null {
	const text = input.trim().replace(/\.0+$/, '');
	if (!/^\d+$/.test(text)) return null;
	let code: string;
	if (text.length === 4 || text.length === 5) code = text.padStart(5, '0');
	else if (text.length === 7 || text.length === 8) code = text.padStart(8, '0').slice(0, 5);
	else return null;
	// 00xxx is no department; xx000 is a department without its municipality.
	if (code.startsWith('00') || code.endsWith('000')) return null;
	return code;
}

export type NamedMunicipality = {
	code: string;
	name: string;
	officialName: string;
	departmentCode: string;
	departmentName: string;
};

export type NameAliases = {
	/** Normalised department name → 2-digit code. */
	department?: Record<string, string>;
	/** "normalised department code|normalised municipality name" → 5-digit code. */
	municipality?: Record<string, string>;
};

/** Lower case, no accents or punctuation, without the `(CT)` capital mark and "D.C." variants. */
export function normaliseName(text: string): string {
	return normaliseForSearch(text.replace(/\(\s*ct\s*\)/gi, ' '))
		.replace(/\b(d c|dc|distrito capital)\b/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

const BOGOTA = new Set(['bogota', 'santafe de bogota', 'santa fe de bogota', 'bogota santafe de bogota']);

export function createNameResolver(municipalities: readonly NamedMunicipality[], aliases: NameAliases = {}) {
	const departments = new Map<string, string>();
	const byDepartment = new Map<string, Map<string, string[]>>();
	const add = (department: string, key: string, code: string) => {
		let names = byDepartment.get(department);
		if (!names) byDepartment.set(department, (names = new Map()));
		const codes = names.get(key) ?? [];
		if (!codes.includes(code)) codes.push(code);
		names.set(key, codes);
	};
	for (const m of municipalities) {
		departments.set(normaliseName(m.departmentName), m.departmentCode);
		for (const name of [m.name, m.officialName]) {
			const key = normaliseName(name);
			add(m.departmentCode, key, m.code);
			// "San Andrés de Tumaco" is "Tumaco" in most sources; "Cartagena de Indias" is "Cartagena".
			const short = key.replace(/^san andres de /, '').replace(/ de indias$/, '');
			if (short !== key) add(m.departmentCode, short, m.code);
		}
	}
	for (const [name, code] of Object.entries(aliases.department ?? {}))
		departments.set(normaliseName(name), code);
	const municipalityAliases = new Map(
		Object.entries(aliases.municipality ?? {}).map(([key, code]) => {
			const [department, name] = key.split('|');
			return [`${department}|${normaliseName(name ?? '')}`, code];
		})
	);

	function departmentCode(name: string): string | null {
		const key = normaliseName(name);
		if (/^\d{1,2}$/.test(key)) return key.padStart(2, '0');
		return departments.get(key) ?? null;
	}

	return {
		departmentCode,
		resolve(department: string, municipality: string): MunicipalityLookup {
			const key = normaliseName(municipality);
			// Bogotá is filed under Cundinamarca (or a department of its own) depending on the source.
			if (BOGOTA.has(key)) return { code: '11001' };
			const dept = departmentCode(department);
			if (!dept) return { error: 'unknown_department' };
			const alias = municipalityAliases.get(`${dept}|${key}`);
			if (alias) return { code: alias };
			const codes = byDepartment.get(dept)?.get(key) ?? [];
			if (codes.length === 1) return { code: codes[0]! };
			if (codes.length > 1) return { error: 'ambiguous', candidates: codes };
			return { error: 'unknown_municipality' };
		}
	};
}
