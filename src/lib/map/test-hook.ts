import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * A read-only window into the map for the end-to-end tests (tests/e2e): they need to know where
 * a longitude/latitude lands on screen to hover or click a municipality. It exposes nothing that
 * the page does not already show and cannot change the map.
 */
export type ResilienciaTestHook = {
	/** Pixel [x, y] of a point, relative to the map container's top-left corner. */
	project(lon: number, lat: number): [x: number, y: number];
};

declare global {
	interface Window {
		__resilienciaTest?: ResilienciaTestHook;
	}
}

export function installTestHook(map: MapLibreMap): void {
	window.__resilienciaTest = Object.freeze({
		project(lon: number, lat: number): [number, number] {
			const point = map.project([lon, lat]);
			return [point.x, point.y];
		}
	});
}

export function removeTestHook(): void {
	delete window.__resilienciaTest;
}
