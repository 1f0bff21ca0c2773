import { requirePageRole } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

/**
 * The planners' workspace (dialogues, imports, priorities): planners and admins only, checked
 * here once for every page of the group. Page loads await this layout before reading anything,
 * form actions check again (actions do not run layout loads), and every service call checks the
 * role a third time.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner');
	return { user: { email: user.email, role: user.role } };
};
