import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { mapPageData } from '$lib/server/map-page';
import { pageCall } from '$lib/server/page-errors';
import type { PageServerLoad } from './$types';

/**
 * Patrol priorities for security providers (their jurisdiction only), planners and admins: the
 * group's layout checks that someone is signed in and loads the user the page reads.
 */
export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	// Not for reporters: they are not security providers (issue 18).
	requirePageRole(locals, url, 'admin', 'planner', 'provider');
	const options = pageCall(() => serverContext().services.analysis.patrolOptions(locals.viewer));
	return { ...mapPageData(), options };
};
