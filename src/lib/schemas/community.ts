import { z } from 'zod';
import { CategoryId } from '$lib/domain/categories';
import {
	COMMUNITY_SOURCES,
	COMMUNITY_STATES,
	MAX_COUNT,
	MAX_DESCRIPTION,
	parseCommunityDate,
	type CommunitySource,
	type CommunityState,
	type DatePrecision
} from '$lib/domain/community/report';
import type { PersonalFlag } from '$lib/domain/community/personal';

/**
 * A community report as the form, the API and the CSV import take it (issue 18): the same schema
 * validates all three. The checks that need the database or the caller (municipality inside the
 * reporter's scope, dialogue of that municipality, date not after today, names and phone numbers
 * in the description) are the service's (community/service.ts).
 */
export const CommunityReportInput = z
	.object({
		municipality: z.string().regex(/^\d{5}$/, 'a 5-digit DIVIPOLA code, e.g. 52835'),
		category: CategoryId,
		date: z
			.string()
			.regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'YYYY-MM-DD, YYYY-MM or YYYY')
			.refine((d) => parseCommunityDate(d) !== null, 'not a real date'),
		count: z.coerce
			.number()
			.int('a whole number')
			.min(1, 'at least 1')
			.max(MAX_COUNT, `at most ${MAX_COUNT}`),
		source: z.enum(COMMUNITY_SOURCES),
		dialogueId: z.coerce.number().int().positive().nullable().default(null),
		place: z
			.object({ lon: z.number().min(-82.5).max(-66), lat: z.number().min(-4.5).max(14) })
			.nullable()
			.default(null),
		placeSensitive: z.boolean().default(true),
		description: z.string().trim().max(MAX_DESCRIPTION, `at most ${MAX_DESCRIPTION} characters`).default(''),
		/** The person saw the warning about names, phone numbers or e-mails and saves anyway. */
		confirmPersonal: z.boolean().default(false)
	})
	.strict();
export type CommunityReportInput = z.infer<typeof CommunityReportInput>;

/** A form's fields as the schema takes them (the same names as the JSON body). */
export function communityFromForm(form: FormData): unknown {
	const text = (name: string) => String(form.get(name) ?? '').trim();
	const lon = text('lon');
	const lat = text('lat');
	return {
		municipality: text('municipality'),
		category: text('category'),
		date: text('date'),
		count: text('count') === '' ? undefined : text('count'),
		source: text('source'),
		dialogueId: text('dialogueId') === '' ? null : text('dialogueId'),
		place: lon === '' && lat === '' ? null : { lon: Number(lon), lat: Number(lat) },
		placeSensitive: form.get('placeSensitive') !== null,
		description: text('description'),
		confirmPersonal: form.get('confirmPersonal') !== null
	};
}

export const CommunityReportId = z.object({ id: z.coerce.number().int().positive() });

export const CommunityReportQuery = z.object({
	state: z.enum(COMMUNITY_STATES).optional(),
	municipality: z
		.string()
		.regex(/^\d{5}$/)
		.optional(),
	limit: z.coerce.number().int().min(1).max(500).default(100)
});
export type CommunityReportQuery = z.infer<typeof CommunityReportQuery>;

export const CommunityReject = z
	.object({ reason: z.string().trim().min(3, 'at least 3 characters').max(500) })
	.strict();

export const CommunityFiguresQuery = z.object({
	category: CategoryId.optional(),
	from: z
		.string()
		.regex(/^\d{4}-\d{2}$/)
		.optional(),
	to: z
		.string()
		.regex(/^\d{4}-\d{2}$/)
		.optional()
});
export type CommunityFiguresQuery = z.infer<typeof CommunityFiguresQuery>;

export type CommunityReportView = {
	id: number;
	municipality: { code: string; name: string };
	category: string;
	date: string;
	datePrecision: DatePrecision;
	count: number;
	source: CommunitySource;
	dialogue: { id: number; title: string } | null;
	place: { lon: number; lat: number } | null;
	placeSensitive: boolean;
	description: string;
	personalFlags: string[];
	state: CommunityState;
	verifiedBy: string | null;
	verifiedAt: string | null;
	rejectedBy: string | null;
	rejectedAt: string | null;
	rejectedReason: string | null;
	createdBy: string | null;
	createdAt: string;
	/** Whether the viewer may verify or reject it (a planner or admin, not its author). */
	canReview: boolean;
};

/** A report the service would not save before the person confirms: what looked personal. */
export type PersonalDataRefusal = { flags: PersonalFlag[] };
