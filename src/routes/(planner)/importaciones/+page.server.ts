import { requirePageRole } from '$lib/server/auth/guard';
import { serverContext } from '$lib/server/context';
import { shippedMappings } from '$lib/server/import/mappings';
import { listBatches } from '$lib/server/reports/batches';
import type { PageServerLoad } from './$types';

/** The import page is for planners and admins: checked here, and again by every API call it makes. */
export const load: PageServerLoad = ({ locals, url }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner');
	return {
		user: { email: user.email, role: user.role },
		mappings: shippedMappings().map((m) => ({
			id: m.id,
			attribution: m.attribution,
			description: m.description ?? ''
		})),
		batches: listBatches(serverContext().db)
	};
};
