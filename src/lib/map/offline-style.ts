import type { StyleSpecification } from 'maplibre-gl';

/**
 * The default basemap: a plain background and nothing else. No glyphs, sprites, tiles or fonts,
 * so the map works offline and never sends a request outside the app's origin; the municipal
 * boundaries drawn by deck.gl are the geography. An online basemap is opt-in through
 * RESILIENCIA_BASEMAP_STYLE_URL.
 */
export const offlineStyle: StyleSpecification = {
	version: 8,
	name: 'Resiliencia offline',
	sources: {},
	layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf1' } }]
};

/** Mainland Colombia and the San Andrés archipelago, [west, south, east, north] in degrees. */
export const COLOMBIA_BOUNDS: [number, number, number, number] = [-81.8, -4.3, -66.8, 13.6];
