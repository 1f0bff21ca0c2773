import { requirePageRole } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

/**
 * Pages for every signed-in role (the patrol view, one's own account): anonymous visitors are sent
 * to sign in, checked here once for the group. Page loads await this layout; services check again
 * and scope what a provider sees to its jurisdiction.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner', 'provider');
	return { user: { email: user.email, role: user.role } };
};
