import { fail } from '@sveltejs/kit';
import { parseLocale, translator, type Locale, type MessageKey } from '$lib/i18n';
import {
	CommunityReject,
	CommunityReportId,
	CommunityReportInput,
	communityFromForm
} from '$lib/schemas/community';
import { parseInput } from '$lib/schemas/validation';
import { SERVICE_STATUS } from '$lib/server/api/errors';
import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { ServiceError } from '$lib/server/errors';
import { pageCall } from '$lib/server/page-errors';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Community reports (issue 18): reporters record them for their municipalities, planners and
 * admins everywhere, and only planners and admins verify or reject. The load and the actions call
 * the community service as the API does (same scope, checks and audit entries).
 */
const RECORDERS = ['admin', 'planner', 'reporter'] as const;

export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const user = requirePageRole(locals, url, ...RECORDERS);
	const community = serverContext().services.community;
	const state = url.searchParams.get('state');
	return {
		role: user.role,
		options: pageCall(() => community.formOptions(locals.viewer)),
		figures: pageCall(() => community.figures(locals.viewer, {})).figures,
		reports: pageCall(() =>
			community.list(locals.viewer, {
				state: state === 'received' || state === 'verified' || state === 'rejected' ? state : undefined,
				limit: 200
			})
		).reports,
		state
	};
};

export type FormName = 'report' | 'review' | 'import';

const REFUSALS: Partial<Record<ServiceError['code'], MessageKey>> = {
	conflict: 'community.error.conflict',
	not_found: 'community.error.notFound',
	forbidden: 'community.error.forbidden',
	outside_jurisdiction: 'community.error.outside'
};

function valuesOf(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const key of new Set(form.keys())) {
		const value = form.get(key);
		if (typeof value === 'string') values[key] = value.slice(0, 4000);
	}
	return values;
}

function refusal(error: ServiceError, name: FormName, locale: Locale, values: Record<string, string>) {
	const t = translator(locale);
	const details = error.details as Record<string, unknown> | undefined;
	if (error.code === 'personal_data') {
		return fail(422, {
			form: name,
			errors: { description: t('community.personal.required') },
			flags: (details?.flags ?? []) as { kind: string; text: string }[],
			values
		});
	}
	if (error.code === 'import_rejected' && Array.isArray(details?.problems)) {
		return fail(422, {
			form: name,
			errors: { form: error.message },
			problems: details.problems as { row: number; field: string; message: string }[],
			values
		});
	}
	const fields =
		error.code === 'invalid_request' && details && typeof details === 'object'
			? Object.fromEntries(Object.entries(details).map(([k, v]) => [k, String(v)]))
			: { form: t(REFUSALS[error.code] ?? 'community.error.generic') };
	return fail(SERVICE_STATUS[error.code], { form: name, errors: fields, values });
}

async function act(
	event: RequestEvent,
	name: FormName,
	roles: readonly ('admin' | 'planner' | 'reporter')[],
	run: (form: FormData, locale: Locale) => Promise<unknown> | unknown,
	done: MessageKey
) {
	requirePageRole(event.locals, event.url, ...roles);
	const locale = parseLocale(event.url.searchParams.get('lang'));
	const form = await event.request.formData();
	const values = valuesOf(form);
	try {
		const outcome = await run(form, locale);
		if (outcome && typeof outcome === 'object' && 'invalid' in outcome) {
			return fail(400, { form: name, errors: outcome.invalid as Record<string, string>, values });
		}
		const count =
			outcome && typeof outcome === 'object' && 'imported' in outcome ? Number(outcome.imported) : 0;
		return { form: name, done, count };
	} catch (error) {
		if (!(error instanceof ServiceError)) throw error;
		return refusal(error, name, locale, values);
	}
}

const community = () => serverContext().services.community;

export const actions: Actions = {
	create: (event) =>
		act(
			event,
			'report',
			RECORDERS,
			(form, locale) => {
				const parsed = parseInput(CommunityReportInput, communityFromForm(form), locale);
				if (!parsed.success) return { invalid: parsed.errors };
				return community().create(event.locals.viewer, parsed.data, { locale });
			},
			'community.saved'
		),
	verify: (event) =>
		act(
			event,
			'review',
			['admin', 'planner'],
			(form) => {
				const id = CommunityReportId.safeParse({ id: form.get('id') });
				if (!id.success) throw new ServiceError('not_found', 'No report named');
				return community().verify(event.locals.viewer, id.data.id);
			},
			'community.verified'
		),
	reject: (event) =>
		act(
			event,
			'review',
			['admin', 'planner'],
			(form, locale) => {
				const id = CommunityReportId.safeParse({ id: form.get('id') });
				if (!id.success) throw new ServiceError('not_found', 'No report named');
				const reason = parseInput(CommunityReject, { reason: form.get('reason') ?? '' }, locale);
				if (!reason.success) return { invalid: reason.errors };
				return community().reject(event.locals.viewer, id.data.id, reason.data.reason);
			},
			'community.rejected'
		),
	import: (event) =>
		act(
			event,
			'import',
			RECORDERS,
			async (form, locale) => {
				const file = form.get('file');
				if (!(file instanceof File) || file.size === 0) throw new ServiceError('empty_file', 'No file');
				if (file.size > 2 * 1024 * 1024) throw new ServiceError('too_large', 'At most 2 MB');
				return community().importCsv(event.locals.viewer, await file.text(), { locale, fileName: file.name });
			},
			'community.imported'
		)
};
