/**
 * DIVIPOLA codes (DANE's political-administrative division): 2 digits for a department,
 * 5 for a municipality (department + 3), 8 for a populated centre (municipality + 3).
 * Sources often store them as numbers, which drops the leading zero of departments 05 and 08:
 * `5001` is Medellín, `05001`.
 */

/** Normalises a municipality code: 4 or 5 digits (leading zero optional) → 5 digits; else null. */
export function parseMunicipalityCode(input: string | number): string | null {
	const text = String(input).trim();
	if (!/^\d{4,5}$/.test(text)) return null;
	const code = text.padStart(5, '0');
	// 00xxx does not exist: department codes start at 05.
	return code.startsWith('00') ? null : code;
}

/** Normalises a department code: 1 or 2 digits → 2 digits; else null. */
export function parseDepartmentCode(input: string | number): string | null {
	const text = String(input).trim();
	if (!/^\d{1,2}$/.test(text)) return null;
	const code = text.padStart(2, '0');
	return code === '00' ? null : code;
}

/** The department a municipality code belongs to. */
export function departmentOf(municipalityCode: string): string {
	return municipalityCode.slice(0, 2);
}
