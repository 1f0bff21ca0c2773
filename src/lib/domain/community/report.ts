/**
 * Community reports (issue 18): what a community or a dialogue reports, recorded by a reporter or
 * a planner. Pure rules shared by the form, the API and the CSV import.
 *
 * States: received → verified (by a planner or admin, never the person who recorded it) or
 * rejected with a reason; a verified report may still be rejected (it then stops counting). Only
 * verified reports count, as their own source, never summed into an official figure.
 */

export const COMMUNITY_SOURCES = ['dialogue', 'leader', 'community', 'media', 'institution'] as const;
export type CommunitySource = (typeof COMMUNITY_SOURCES)[number];

export const COMMUNITY_STATES = ['received', 'verified', 'rejected'] as const;
export type CommunityState = (typeof COMMUNITY_STATES)[number];

export type DatePrecision = 'day' | 'month' | 'year';

/** The source label of community figures beside the official sources. */
export const COMMUNITY_SOURCE_LABEL = { es: 'Reportes comunitarios', en: 'Community reports' } as const;

/** Release blocks of community figures: `community:<category>` (release/community.ts). */
export const COMMUNITY_BLOCK_PREFIX = 'community:';

export const MAX_COUNT = 10_000;
export const MAX_DESCRIPTION = 2_000;

/**
 * A date as precise as the community knows it: YYYY-MM-DD, YYYY-MM or YYYY. Returns the
 * precision and the month it counts in (January for a year), or null when it is not a real date.
 */
export function parseCommunityDate(
	text: string
): { date: string; precision: DatePrecision; month: string } | null {
	const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
	if (!m) return null;
	const [, year, month, day] = m;
	if (Number(year) < 1900) return null;
	if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return null;
	if (day !== undefined) {
		const time = Date.parse(`${text}T00:00:00Z`);
		if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) return null;
		return { date: text, precision: 'day', month: `${year}-${month}` };
	}
	if (month !== undefined) return { date: text, precision: 'month', month: `${year}-${month}` };
	return { date: text, precision: 'year', month: `${year}-01` };
}

/**
 * Whether a date lies after `today` (YYYY-MM-DD): the first day it can mean is later, so that
 * "this month" or "this year" is accepted while a day next week is not.
 */
export function isFutureDate(text: string, today: string): boolean {
	const parsed = parseCommunityDate(text);
	if (!parsed) return false;
	const first =
		parsed.precision === 'day'
			? parsed.date
			: parsed.precision === 'month'
				? `${parsed.date}-01`
				: `${parsed.date}-01-01`;
	return first > today;
}

/** Which state changes are allowed: verify a received report; reject a received or verified one. */
export function canMove(from: CommunityState, to: 'verified' | 'rejected'): boolean {
	if (to === 'verified') return from === 'received';
	return from === 'received' || from === 'verified';
}
