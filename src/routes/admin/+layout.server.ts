import { requirePageRole } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

/** Every page under /admin is for admins: checked here on the server, and again by the API it calls. */
export const load: LayoutServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, 'admin');
	return { user: { email: user.email, role: user.role } };
};
