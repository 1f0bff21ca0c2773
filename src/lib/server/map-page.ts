import { loadConfig } from './config';

const BOUNDARY_LAYERS = ['municipalities', 'departments'] as const;

/**
 * What every page with a map needs from the server: the opt-in online basemap (none by default,
 * so nothing leaves the origin) and the current version of each boundary file, so that the
 * browser can request the immutable, year-cacheable URL (`?v=…`) straight away. A HEAD through
 * the app's own API costs no network hop; while the boundaries are missing the version is null
 * and the page shows why.
 */
export async function mapPageData(fetch: typeof globalThis.fetch) {
	const { basemapStyleUrl } = loadConfig();
	const [municipalities, departments] = await Promise.all(
		BOUNDARY_LAYERS.map(async (layer) => {
			const response = await fetch(`/api/boundaries/${layer}`, { method: 'HEAD' });
			return response.ok ? response.headers.get('X-Boundaries-Version') : null;
		})
	);
	return {
		basemapStyleUrl,
		boundariesVersions: { municipalities: municipalities ?? null, departments: departments ?? null }
	};
}
