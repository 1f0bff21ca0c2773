import { requirePageRole } from '$lib/server/auth/guard';
import { mapPageData } from '$lib/server/map-page';
import type { PatrolOptions } from '$lib/schemas/analysis';
import type { PageServerLoad } from './$types';

/** Patrol priorities for security providers (their jurisdiction only), planners and admins. */
export const load: PageServerLoad = async ({ locals, url, fetch }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner', 'provider');
	const [map, options] = await Promise.all([
		mapPageData(fetch),
		fetch('/api/analysis/patrol-options').then((r) => r.json() as Promise<PatrolOptions>)
	]);
	return { ...map, options, user: { email: user.email, role: user.role } };
};
