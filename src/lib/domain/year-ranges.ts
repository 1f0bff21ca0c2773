/**
 * Years as runs of consecutive years: [1993, 1994, 1995, 1999] → "1993–1995, 1999". Pure: the
 * municipality panel writes armed-group presence with it.
 */
export function yearRanges(years: readonly number[]): string {
	const sorted = [...new Set(years)].sort((a, b) => a - b);
	const runs: [number, number][] = [];
	for (const year of sorted) {
		const last = runs[runs.length - 1];
		if (last && last[1] === year - 1) last[1] = year;
		else runs.push([year, year]);
	}
	return runs.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ');
}
