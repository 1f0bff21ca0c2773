import { z } from 'zod';
import { CategoryId } from '$lib/domain/categories';

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

/** A commitment as GET /api/commitments lists it: `status` is derived (overdue from the due date). */
export type CommitmentView = {
	id: number;
	institution: string;
	action: string;
	dueDate: string | null;
	status: 'open' | 'in_progress' | 'done' | 'overdue';
	dialogueId: number;
	title: string;
	code: string;
	name: string;
};
