import { z } from 'zod';
import { CategoryId } from '$lib/domain/categories';
import type { CommitmentStatus } from '$lib/domain/commitments';
import { MunicipalityCode } from './municipality';

/** A dialogue as the form and the API take it: the same schema validates both ends. */

/** A YYYY-MM-DD that names a day of the calendar (Date.parse takes 2022-02-30 for 2 March). */
function isRealDate(text: string): boolean {
	const time = Date.parse(`${text}T00:00:00Z`);
	return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}

const Count = z.number().int().min(0).max(100_000).nullable().default(null);

export const DialogueInput = z
	.object({
		programme: z.enum(['resilience-dialogues', 'citizen-security-dialogues', 'other']),
		title: z.string().trim().min(3, 'at least 3 characters').max(200),
		municipality: z.string().regex(/^\d{5}$/, 'a 5-digit DIVIPOLA code, e.g. 52835'),
		date: z
			.string()
			.regex(/^\d{4}(-\d{2}-\d{2})?$/, 'YYYY-MM-DD, or YYYY when only the year is known')
			.refine((d) => d.length === 4 || isRealDate(d), 'not a real date')
			.refine((d) => {
				const y = Number(d.slice(0, 4));
				return y >= 1990 && y <= 2100;
			}, 'a year between 1990 and 2100'),
		place: z
			.object({ lon: z.number().min(-82.5).max(-66), lat: z.number().min(-4.5).max(14) })
			.nullable()
			.default(null),
		placeSensitive: z.boolean().default(true),
		participants: z
			.object({ community: Count, institutions: Count, publicForce: Count, women: Count, men: Count })
			.default({ community: null, institutions: null, publicForce: null, women: null, men: null }),
		issues: z.array(CategoryId).max(15).default([]),
		summary: z.string().trim().max(4000).nullable().default(null)
	})
	.strict();
export type DialogueInput = z.infer<typeof DialogueInput>;

export const CommitmentInput = z
	.object({
		institution: z.string().trim().min(2).max(200),
		action: z.string().trim().min(3).max(1000),
		dueDate: z
			.string()
			.regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
			.refine(isRealDate, 'not a real date')
			.nullable()
			.default(null),
		status: z.enum(['open', 'in_progress', 'done']).default('open')
	})
	.strict();
export type CommitmentInput = z.infer<typeof CommitmentInput>;

export const CommitmentUpdate = z
	.object({
		status: z.enum(['open', 'in_progress', 'done']),
		/** A dated follow-up note (today's date is recorded with it). */
		note: z.string().trim().max(2000).nullable().default(null)
	})
	.strict();
export type CommitmentUpdate = z.infer<typeof CommitmentUpdate>;

export const BookletInput = z
	.object({
		municipality: z.string().regex(/^\d{5}$/, 'a 5-digit DIVIPOLA code, e.g. 52835'),
		dialogueId: z.number().int().positive().nullable().default(null),
		problem: z.string().trim().min(3, 'at least 3 characters').max(300),
		steps: z.array(z.string().trim().min(2).max(500)).min(1, 'at least one prevention step').max(20),
		resources: z.string().trim().max(2000).nullable().default(null)
	})
	.strict();
export type BookletInput = z.infer<typeof BookletInput>;

/** `/dialogues/:id`, `/commitments/:id`. */
export const RecordId = z.object({
	id: z.coerce
		.number()
		.int()
		.positive()
		.max(2 ** 31)
});

export const DialogueQuery = z.object({
	year: z.coerce.number().int().min(1990).max(2100).optional(),
	municipality: MunicipalityCode.optional(),
	programme: z
		.string()
		.regex(/^[a-z-]{1,60}$/)
		.optional()
});
export type DialogueFilter = z.infer<typeof DialogueQuery>;

export const CommitmentQuery = z.object({
	institution: z.string().max(200).optional(),
	municipality: MunicipalityCode.optional(),
	status: z.enum(['open', 'in_progress', 'done', 'overdue']).optional(),
	format: z.enum(['json', 'csv']).default('json')
});
export type CommitmentFilter = Omit<z.infer<typeof CommitmentQuery>, 'format'>;

/**
 * A dialogue as GET /api/dialogues lists it. The public gets public fields only; `summary` (and a
 * meeting place marked sensitive) only signed-in roles.
 */
export type DialogueView = {
	id: number;
	programme: DialogueInput['programme'];
	title: string;
	/** With its representative point (DANE MGN), where a dialogue without a public place is drawn. */
	municipality: { code: string; name: string; department: string; point: [number, number] };
	year: number;
	date: string | null;
	place: { lon: number; lat: number } | null;
	issues: string[];
	summary?: string | null;
};

/** A commitment as GET /api/commitments lists it: `status` is derived (overdue from the due date). */
export type CommitmentView = {
	id: number;
	institution: string;
	action: string;
	dueDate: string | null;
	status: CommitmentStatus;
	dialogueId: number;
	title: string;
	code: string;
	name: string;
	/** The early-warning alerts this commitment answers (category|level|code|period|rule keys). */
	alerts: { key: string; category: string; level: string; month: string }[];
};

/** A prevention booklet as the dialogues page lists it (its steps are public, see the prevention page). */
export type BookletView = {
	id: number;
	dialogueId: number | null;
	municipality: { code: string; name: string };
	problem: string;
	steps: string[];
	resources: string | null;
};

/*
 * The /dialogos forms as the schemas above take them, read the same way by the page (to check
 * before sending) and by its form actions (to check again and save).
 */

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export function dialogueFromForm(form: FormData) {
	return {
		programme: text(form, 'programme'),
		title: text(form, 'title'),
		municipality: text(form, 'municipality'),
		date: text(form, 'date'),
		issues: form.getAll('issues').map(String),
		summary: text(form, 'summary') || null
	};
}

export function commitmentFromForm(form: FormData) {
	return {
		institution: text(form, 'institution'),
		action: text(form, 'action'),
		dueDate: text(form, 'dueDate') || null
	};
}

/** Steps are typed one per line. */
export function bookletFromForm(form: FormData) {
	return {
		municipality: text(form, 'municipality'),
		problem: text(form, 'problem'),
		steps: text(form, 'steps')
			.split('\n')
			.map((s) => s.trim())
			.filter(Boolean),
		resources: text(form, 'resources') || null
	};
}

export function commitmentUpdateFromForm(form: FormData) {
	return { status: text(form, 'status'), note: text(form, 'note') || null };
}
