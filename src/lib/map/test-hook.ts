import type { Layer } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * A read-only window into the map for the end-to-end tests (tests/e2e): they need to know where
 * a longitude/latitude lands on screen to hover or click a municipality, and whether a change of
 * language or period re-tessellated the boundaries or only recoloured them. It exposes nothing
 * that the page does not already show and cannot change the map.
 */
export type ResilienciaTestHook = {
	/** Pixel [x, y] of a point, relative to the map container's top-left corner. */
	project(lon: number, lat: number): [x: number, y: number];
	/**
	 * How many times a boundary layer (polygons, borders, outlines) was handed new `data`. deck.gl
	 * compares `data` by reference and re-tessellates when it differs, so this counts geometry
	 * rebuilds; a recolouring leaves it alone.
	 */
	readonly boundaryDataChanges: number;
	/** The fill's class key at the last build (src/lib/map/thematic.ts): changes with the colours. */
	readonly classKey: string;
	/** How many times the deck.gl layers were built. */
	readonly builds: number;
};

declare global {
	interface Window {
		__resilienciaTest?: ResilienciaTestHook;
	}
}

const counts = { boundaryDataChanges: 0, builds: 0, classKey: '' };
const lastData = new Map<string, unknown>();

/**
 * Notes one build of the map's layers. Called on every build, installed or not, so that the
 * count includes the first draw; a handful of Map look-ups per build.
 */
export function recordBuild(
	layers: readonly Layer[],
	classKey: string,
	boundaryIds: readonly string[]
): void {
	counts.builds += 1;
	counts.classKey = classKey;
	for (const layer of layers) {
		if (!boundaryIds.includes(layer.id)) continue;
		const data: unknown = layer.props.data;
		if (lastData.get(layer.id) !== data) counts.boundaryDataChanges += 1;
		lastData.set(layer.id, data);
	}
}

export function installTestHook(map: MapLibreMap): void {
	window.__resilienciaTest = Object.freeze({
		project(lon: number, lat: number): [number, number] {
			const point = map.project([lon, lat]);
			return [point.x, point.y];
		},
		get boundaryDataChanges() {
			return counts.boundaryDataChanges;
		},
		get classKey() {
			return counts.classKey;
		},
		get builds() {
			return counts.builds;
		}
	});
}

/** On teardown: the next map (another page, same document) counts from zero. */
export function removeTestHook(): void {
	delete window.__resilienciaTest;
	counts.boundaryDataChanges = counts.builds = 0;
	counts.classKey = '';
	lastData.clear();
}
