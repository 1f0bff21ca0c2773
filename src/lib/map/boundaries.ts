import type { Feature, FeatureCollection, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export type BoundaryLayer = 'municipalities' | 'departments';

/** The API answers 503 until `npm run geo:build` has produced the web boundaries. */
export class BoundariesMissingError extends Error {
	constructor() {
		super('Web boundaries have not been built yet');
		this.name = 'BoundariesMissingError';
	}
}

/**
 * Fetches one boundary layer as TopoJSON. With the version the server announced, the URL is
 * immutable and the browser may keep it for a year; without it, it is revalidated by ETag.
 */
export async function fetchTopology(
	layer: BoundaryLayer,
	version: string | null,
	signal: AbortSignal
): Promise<Topology> {
	const url = `/api/boundaries/${layer}${version ? `?v=${encodeURIComponent(version)}` : ''}`;
	const response = await fetch(url, { signal });
	if (response.status === 503) throw new BoundariesMissingError();
	if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
	return (await response.json()) as Topology;
}

export type MunicipalityBoundaryProperties = { code: string; name: string };
export type MunicipalityGeometry = Polygon | MultiPolygon;

/** Municipality polygons from the `municipalities` object (geometry id = DIVIPOLA code). */
export function municipalityFeatures(
	topology: Topology
): Feature<MunicipalityGeometry, MunicipalityBoundaryProperties>[] {
	const object = topology.objects.municipalities as
		GeometryCollection<MunicipalityBoundaryProperties> | undefined;
	if (!object) throw new Error('TopoJSON has no "municipalities" object');
	const collection = feature(topology, object) as FeatureCollection<
		MunicipalityGeometry | null,
		MunicipalityBoundaryProperties
	>;
	return collection.features.filter(
		(f): f is Feature<MunicipalityGeometry, MunicipalityBoundaryProperties> => f.geometry !== null
	);
}

/**
 * Department outlines as one line feature. `mesh` keeps every shared arc once, so a border
 * between two departments is drawn a single time (no doubled, darker-looking strokes), and the
 * outer arcs give the country and coast outline.
 */
export function departmentOutline(topology: Topology): Feature<MultiLineString> {
	const object = topology.objects.departments;
	if (!object) throw new Error('TopoJSON has no "departments" object');
	return { type: 'Feature', properties: {}, geometry: mesh(topology, object as GeometryCollection) };
}

/**
 * Borders between neighbouring municipalities, each shared arc once (`a !== b` drops the outer
 * arcs, which the department outline already draws). Drawing them as lines rather than as polygon
 * strokes halves the geometry and keeps it out of deck.gl's picking pass.
 */
export function municipalityBorders(topology: Topology): Feature<MultiLineString> {
	const object = topology.objects.municipalities;
	if (!object) throw new Error('TopoJSON has no "municipalities" object');
	return {
		type: 'Feature',
		properties: {},
		geometry: mesh(topology, object as GeometryCollection, (a, b) => a !== b)
	};
}
