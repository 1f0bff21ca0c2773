import { serverContext } from '$lib/server/context';
import { mapPageData } from '$lib/server/map-page';
import type { PageServerLoad } from './$types';

/**
 * The public prevention map: the release's index of municipalities with prevention facts (the
 * same slice as GET /api/public/prevention) and what the map needs to draw. No login, and the
 * same for whoever is signed in: it reads only the public release, never the database's
 * dialogues, so a signed-in visitor's HTML embeds nothing restricted.
 */
export const load: PageServerLoad = () => ({
	...mapPageData(),
	index: serverContext().services.release.preventionIndex()
});
