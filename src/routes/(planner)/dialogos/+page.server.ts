import { fail } from '@sveltejs/kit';
import type { z } from 'zod';
import { parseLocale, translator, type Locale, type MessageKey } from '$lib/i18n';
import {
	BookletInput,
	bookletFromForm,
	CommitmentInput,
	commitmentFromForm,
	CommitmentUpdate,
	commitmentUpdateFromForm,
	DialogueInput,
	dialogueFromForm,
	RecordId
} from '$lib/schemas/dialogues';
import { parseInput } from '$lib/schemas/validation';
import { SERVICE_STATUS } from '$lib/server/api/errors';
import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { ServiceError } from '$lib/server/errors';
import type { Viewer } from '$lib/server/viewer';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Dialogues, commitments and booklets, for planners and admins. The load and the form actions
 * call the dialogues service as the API does, so the role check, the unknown-municipality check
 * and the audit entry are the same; each action parses the form with the schema the page checks
 * first, and answers a refusal at the field (`fail(400, { form, errors, values })`).
 */
export const load: PageServerLoad = async ({ locals, parent }) => {
	// The group's layout checks the role first; the form actions below check it again.
	await parent();
	const dialogues = serverContext().services.dialogues;
	return {
		dialogues: dialogues.list(locals.viewer),
		commitments: dialogues.commitments(locals.viewer),
		booklets: dialogues.booklets(locals.viewer)
	};
};

/** Which form an answer belongs to: the forms share field names, so errors name their form. */
export type FormName = 'dialogue' | 'delete' | 'commitment' | 'status' | 'booklet';

const REFUSALS: Partial<Record<ServiceError['code'], MessageKey>> = {
	conflict: 'dialogues.error.conflict',
	not_found: 'dialogues.error.notFound'
};

/** What was typed, to refill the form when JavaScript is off; checked issues joined by commas. */
function valuesOf(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const key of new Set(form.keys())) {
		values[key] = form.getAll(key).map(String).join(',').slice(0, 10_000);
	}
	return values;
}

/** A refusal at its field when the service names one (`details`), else for the whole form. */
function errorsOf(error: ServiceError, locale: Locale): Record<string, string> {
	const details = error.details;
	if (details && typeof details === 'object' && !Array.isArray(details)) {
		return Object.fromEntries(Object.entries(details).map(([field, message]) => [field, String(message)]));
	}
	return { form: translator(locale)(REFUSALS[error.code] ?? 'dialogues.error.generic') };
}

/**
 * One form action: the role again (actions do not run the load), the form parsed with its
 * schema in the page's language, then one service call. `done` names the message shown on success.
 */
async function save<T>(
	event: RequestEvent,
	name: FormName,
	schema: z.ZodType<T>,
	read: (form: FormData) => unknown,
	apply: (viewer: Viewer, input: T, form: FormData, locale: Locale) => unknown,
	done: MessageKey
) {
	requirePageRole(event.locals, event.url, 'admin', 'planner');
	const locale = parseLocale(event.url.searchParams.get('lang'));
	const form = await event.request.formData();
	const values = valuesOf(form);
	const parsed = parseInput(schema, read(form), locale);
	if (!parsed.success) return fail(400, { form: name, errors: parsed.errors, values });
	try {
		apply(event.locals.viewer, parsed.data, form, locale);
	} catch (error) {
		if (!(error instanceof ServiceError)) throw error;
		return fail(SERVICE_STATUS[error.code], { form: name, errors: errorsOf(error, locale), values });
	}
	return { form: name, done };
}

/** The id of the record a form acts on (a hidden field or a select); refused as not found without one. */
function idIn(form: FormData, field: string): number {
	const parsed = RecordId.safeParse({ id: form.get(field) });
	if (!parsed.success) throw new ServiceError('not_found', `The form names no ${field}`);
	return parsed.data.id;
}

const dialogues = () => serverContext().services.dialogues;

export const actions: Actions = {
	createDialogue: (event) =>
		save(
			event,
			'dialogue',
			DialogueInput,
			dialogueFromForm,
			(viewer, input, _form, locale) => dialogues().create(viewer, input, locale),
			'dialogues.saved'
		),
	updateDialogue: (event) =>
		save(
			event,
			'dialogue',
			DialogueInput,
			dialogueFromForm,
			(viewer, input, form, locale) => dialogues().update(viewer, idIn(form, 'id'), input, locale),
			'dialogues.updated'
		),
	deleteDialogue: (event) =>
		save(
			event,
			'delete',
			RecordId,
			(form) => ({ id: form.get('id') }),
			(viewer, input) => dialogues().remove(viewer, input.id),
			'dialogues.deleted'
		),
	addCommitment: (event) =>
		save(
			event,
			'commitment',
			CommitmentInput,
			commitmentFromForm,
			(viewer, input, form) => dialogues().addCommitment(viewer, idIn(form, 'dialogue'), input),
			'dialogues.commitmentSaved'
		),
	setCommitmentStatus: (event) =>
		save(
			event,
			'status',
			CommitmentUpdate,
			commitmentUpdateFromForm,
			(viewer, input, form) => dialogues().updateCommitment(viewer, idIn(form, 'id'), input),
			'dialogues.statusSaved'
		),
	addBooklet: (event) =>
		save(
			event,
			'booklet',
			BookletInput,
			bookletFromForm,
			(viewer, input, _form, locale) => dialogues().addBooklet(viewer, input, locale),
			'dialogues.bookletSaved'
		)
};
