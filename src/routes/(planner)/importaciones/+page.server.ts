import { serverContext } from '$lib/server/context';
import type { PageServerLoad } from './$types';

/** The import page (planners and admins: the group's layout checks first, every service call again). */
export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	const { imports } = serverContext().services;
	return {
		mappings: imports.mappings(locals.viewer).map((m) => ({
			id: m.id,
			attribution: m.attribution,
			description: m.description ?? ''
		})),
		batches: imports.batches(locals.viewer)
	};
};
