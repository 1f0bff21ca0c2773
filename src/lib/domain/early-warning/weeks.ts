/**
 * ISO 8601 weeks (Monday to Sunday, numbered by the year of their Thursday) for the weekly
 * early-warning rules: a month's weeks are those that end (their Sunday) inside it, so every week
 * belongs to exactly one month and a month's alerts are about whole weeks. Days are UTC day
 * numbers (days since 1970-01-01). Pure.
 */

const DAY_MS = 86_400_000;

export function dayNumber(date: string): number {
	return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function dayLabel(day: number): string {
	return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the ISO week holding `day` (1970-01-01 was a Thursday). */
export function mondayOf(day: number): number {
	return day - ((day + 3) % 7);
}

/** `2024-W05`: the ISO year and week number of the week starting on `monday`. */
export function isoWeekLabel(monday: number): string {
	const thursday = monday + 3;
	const year = new Date(thursday * DAY_MS).getUTCFullYear();
	const week = Math.floor((thursday - dayNumber(`${year}-01-01`)) / 7) + 1;
	return `${year}-W${String(week).padStart(2, '0')}`;
}

export type IsoWeek = { label: string; monday: number; sunday: number };

/** The ISO weeks whose Sunday falls in `month` (YYYY-MM), in order. */
export function weeksEndingIn(month: string): IsoWeek[] {
	const first = dayNumber(`${month}-01`);
	const [y, m] = month.split('-').map(Number) as [number, number];
	const last = Math.floor(Date.UTC(y, m, 1) / DAY_MS) - 1;
	const out: IsoWeek[] = [];
	// The first Sunday on or after the 1st: Monday-based weekday 6.
	for (let sunday = first + ((6 - ((first + 3) % 7) + 7) % 7); sunday <= last; sunday += 7) {
		out.push({ label: isoWeekLabel(sunday - 6), monday: sunday - 6, sunday });
	}
	return out;
}
