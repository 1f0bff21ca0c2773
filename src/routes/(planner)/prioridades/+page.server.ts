import { serverContext } from '$lib/server/context';
import { mapPageData } from '$lib/server/map-page';
import type { PageServerLoad } from './$types';

/**
 * The priority index, for planners and admins: the group's layout checks the role first, the API
 * every call again.
 */
export const load: PageServerLoad = async ({ parent, locals }) => {
	await parent();
	const map = mapPageData();
	const extent = serverContext().services.reports.extent(locals.viewer);
	return { ...map, available: extent.categories };
};
