import { mapPageData } from '$lib/server/map-page';
import type { PageServerLoad } from './$types';

/** The map page: the basemap setting and the boundary versions (src/lib/server/map-page.ts). */
export const load: PageServerLoad = () => mapPageData();
