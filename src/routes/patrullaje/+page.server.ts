import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { mapPageData } from '$lib/server/map-page';
import { pageCall } from '$lib/server/page-errors';
import type { PageServerLoad } from './$types';

/** Patrol priorities for security providers (their jurisdiction only), planners and admins. */
export const load: PageServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner', 'provider');
	const options = pageCall(() => serverContext().services.analysis.patrolOptions(locals.viewer));
	return { ...mapPageData(), options, user: { email: user.email, role: user.role } };
};
