/**
 * CSV for people who open it in a spreadsheet: RFC 4180 quoting, and formula injection escaped
 * (OWASP "CSV Injection"): a field starting with = + - @, tab or carriage return is prefixed with
 * an apostrophe so that Excel or LibreOffice shows it as text instead of running it.
 */
export function csvField(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
	return `${values.map(csvField).join(',')}\r\n`;
}
