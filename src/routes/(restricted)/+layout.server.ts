import { ROLES } from '$lib/schemas/users';
import { requirePageRole } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

/**
 * Pages for every signed-in role (one's own account; the patrol view, which refuses reporters
 * itself): anonymous visitors are sent to sign in, checked here once for the group. Page loads
 * await this layout; services check again and scope what a provider sees to its jurisdiction.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, ...ROLES);
	return { user: { email: user.email, role: user.role } };
};
