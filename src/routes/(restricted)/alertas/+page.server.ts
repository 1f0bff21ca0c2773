import { fail } from '@sveltejs/kit';
import {
	AckInput,
	AlertsQuery,
	FeedTokenInput,
	ResponseId,
	ResponseInput,
	ResponseStatusInput
} from '$lib/schemas/alerts';
import { parseInput } from '$lib/schemas/validation';
import { parseLocale } from '$lib/i18n';
import { SERVICE_STATUS } from '$lib/server/api/errors';
import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { ServiceError } from '$lib/server/errors';
import { pageCall } from '$lib/server/page-errors';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Early-warning alerts for planners (nationwide) and providers (their jurisdiction): the load
 * and the form actions call the alerts service as the API does, so the role check, the scope and
 * the audit entries are the same.
 */
export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const services = serverContext().services;
	const extent = services.reports.extent(locals.viewer);
	// Categories with dates: a yearly figure has no month to warn about.
	const categories = Object.keys(extent.categories).filter((c) => !extent.yearly.includes(c));
	const params = Object.fromEntries(url.searchParams);
	const parsed = AlertsQuery.safeParse({
		category: categories.includes('homicide') ? 'homicide' : categories[0],
		...params
	});
	const query = parsed.success ? parsed.data : null;
	const answer = query ? pageCall(() => services.alerts.list(locals.viewer, query)) : null;
	const range = query ? extent.categories[query.category] : undefined;
	return {
		categories,
		answer,
		range: range ?? null,
		feed: services.alerts.feedStatus(locals.viewer),
		// Planners link the dialogues' commitments; providers answer with new ones.
		commitments:
			locals.viewer.user?.role === 'provider'
				? []
				: services.dialogues.commitments(locals.viewer).map(({ id, institution, action, code, title }) => ({
						id,
						institution,
						action,
						code,
						title
					}))
	};
};

async function act(event: RequestEvent, run: (form: FormData) => unknown) {
	requirePageRole(event.locals, event.url, 'admin', 'planner', 'provider');
	const form = await event.request.formData();
	try {
		return { ok: true as const, ...(run(form) as object) };
	} catch (error) {
		if (!(error instanceof ServiceError)) throw error;
		return fail(SERVICE_STATUS[error.code], { ok: false as const, message: error.message });
	}
}

const alerts = () => serverContext().services.alerts;

export const actions: Actions = {
	acknowledge: (event) =>
		act(event, (form) => {
			const locale = parseLocale(event.url.searchParams.get('lang'));
			const parsed = parseInput(AckInput, Object.fromEntries(form), locale);
			if (!parsed.success) throw new ServiceError('invalid_request', Object.values(parsed.errors).join('; '));
			return { acknowledged: alerts().acknowledge(event.locals.viewer, parsed.data).key };
		}),
	createFeed: (event) =>
		act(event, (form) => {
			const parsed = FeedTokenInput.safeParse({
				categories: form.getAll('categories'),
				level: form.get('level')
			});
			if (!parsed.success) throw new ServiceError('invalid_request', 'Choose an issue and a level');
			const { token } = alerts().createFeedToken(event.locals.viewer, parsed.data);
			return { feedUrl: `${event.url.origin}/api/alerts/feed/${token}.atom` };
		}),
	respond: (event) =>
		act(event, (form) => {
			const locale = parseLocale(event.url.searchParams.get('lang'));
			const fields = Object.fromEntries([...form].filter(([, v]) => v !== ''));
			const parsed = parseInput(ResponseInput, fields, locale);
			if (!parsed.success) throw new ServiceError('invalid_request', Object.values(parsed.errors).join('; '));
			return { responded: alerts().respond(event.locals.viewer, parsed.data).id };
		}),
	setResponseStatus: (event) =>
		act(event, (form) => {
			const id = ResponseId.safeParse({ id: form.get('id') });
			const status = ResponseStatusInput.safeParse({ status: form.get('status') });
			if (!id.success || !status.success)
				throw new ServiceError('invalid_request', 'No such response or status');
			return {
				status: alerts().setResponseStatus(event.locals.viewer, id.data.id, status.data.status).status
			};
		}),
	revokeFeed: (event) =>
		act(event, () => ({ revoked: alerts().revokeFeedToken(event.locals.viewer).revoked }))
};
