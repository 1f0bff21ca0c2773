import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { mapPageData } from '$lib/server/map-page';
import type { PageServerLoad } from './$types';

/** The priority index, for planners and admins (the API checks every call again). */
export const load: PageServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner');
	const map = mapPageData();
	const extent = serverContext().services.reports.extent();
	return { ...map, user: { email: user.email, role: user.role }, available: extent.categories };
};
