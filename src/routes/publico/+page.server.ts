import { serverContext } from '$lib/server/context';
import { PUBLIC_VIEWER } from '$lib/server/viewer';
import type { PageServerLoad } from './$types';

/**
 * The public prevention map's index: the municipalities where dialogues were held. No login, and
 * built as the anonymous public sees it whoever is signed in: the page is public.
 */
export const load: PageServerLoad = () => {
	const dialogues = serverContext().services.dialogues.list(PUBLIC_VIEWER);
	return {
		dialogues: dialogues.map((d) => ({
			programme: d.programme,
			year: d.year,
			municipality: {
				code: d.municipality.code,
				name: d.municipality.name,
				department: d.municipality.department
			}
		}))
	};
};
