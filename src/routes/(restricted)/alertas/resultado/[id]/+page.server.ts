import { error } from '@sveltejs/kit';
import { ResponseId } from '$lib/schemas/alerts';
import { serverContext } from '$lib/server/context';
import { pageCall } from '$lib/server/page-errors';
import type { PageServerLoad } from './$types';

/** The outcome of a response after its due date (the alerts service scopes and computes it). */
export const load: PageServerLoad = async ({ locals, parent, params }) => {
	await parent();
	const id = ResponseId.safeParse(params);
	if (!id.success) error(404, 'No such response');
	return { outcome: pageCall(() => serverContext().services.alerts.outcome(locals.viewer, id.data.id)) };
};
