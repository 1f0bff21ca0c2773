import { requirePageRole } from '$lib/server/auth/guard';
import { mapPageData } from '$lib/server/map-page';
import type { PageServerLoad } from './$types';

/** The priority index, for planners and admins (the API checks every call again). */
export const load: PageServerLoad = async ({ locals, url, fetch }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner');
	const [map, extent] = await Promise.all([
		mapPageData(fetch),
		fetch('/api/stats/extent').then(
			(r) => r.json() as Promise<{ categories: Record<string, { from: string; to: string }> }>
		)
	]);
	return { ...map, user: { email: user.email, role: user.role }, available: extent.categories };
};
