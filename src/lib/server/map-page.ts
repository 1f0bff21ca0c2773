import { serverContext } from './context';

/**
 * What every page with a map needs from the server: the opt-in online basemap (none by default,
 * so nothing leaves the origin) and the current version of each boundary file, so that the
 * browser can request the immutable, year-cacheable URL (`?v=…`) straight away; while the
 * boundaries are missing the version is null and the page shows why.
 */
export function mapPageData() {
	const { config, services } = serverContext();
	return {
		basemapStyleUrl: config.basemapStyleUrl,
		boundariesVersions: services.geography.boundaryVersions()
	};
}
