import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Feature, MultiLineString } from 'geojson';
import type { MunicipalityFeature } from '$lib/state/atlas.svelte';
import type { ClusteredMark } from './dialogue-clusters';
import type { RGBA } from './palette';

/**
 * deck.gl layers of the map, bottom to top. This module is imported lazily with deck.gl itself,
 * so the page shell does not wait for ~1 MB of WebGL code. Layer ids are stable: deck.gl then
 * diffs props and only re-uploads what changed (the selection outline, not 1,100 polygons).
 */

export type MapLayerInput = {
	municipalities: MunicipalityFeature[];
	municipalityBorders: Feature<MultiLineString> | null;
	departmentLines: Feature<MultiLineString> | null;
	/** Fill per legend class; `noData` for municipalities without a value (class −1). */
	classColours: RGBA[];
	noData: RGBA;
	/** Fill of a value withheld by disclosure control (class −2). */
	suppressed?: RGBA;
	selectedCode: string | null;
	/**
	 * A class per municipality code, instead of the features' own `classIndex`: the features stay
	 * the same objects, so a change (a priority weight moving) recolours without re-tessellating
	 * 1,100 polygons. `classKey` must change whenever `classOf` answers differently.
	 */
	classOf?: (code: string) => number;
	classKey?: unknown;
	/** Point reports per H3 cell (restricted roles, close zoom), drawn above the choropleth. */
	hexagons?: { h3: string; count: number }[];
	/**
	 * Dialogues: at their place when public (filled), else at the municipality's point (ring);
	 * grouped at low zoom, a group drawn larger with its count (src/lib/map/dialogue-clusters.ts).
	 */
	dialogues?: ClusteredMark[];
};

// Thin mid-grey borders: darker than the palest class and lighter than the darkest, so they
// separate neighbours at both ends of the ramp without competing with the fill colour.
const MUNICIPALITY_BORDER: RGBA = [112, 124, 138, 150];
const DEPARTMENT_BORDER: RGBA = [24, 33, 44, 220];
const SELECTION: RGBA = [200, 30, 90, 255];
const HALO: RGBA = [255, 255, 255, 230];
// Hovered municipality: darkened by ~25% (deck.gl mixes highlightColor in by its alpha).
const HOVER: RGBA = [10, 20, 35, 64];

export function buildMapLayers(input: MapLayerInput): Layer[] {
	const { municipalities, municipalityBorders, departmentLines, classColours, noData, selectedCode } = input;
	const suppressed = input.suppressed ?? noData;
	const layers: Layer[] = [
		new GeoJsonLayer<MunicipalityFeature['properties']>({
			id: 'municipalities-density',
			data: municipalities,
			pickable: true,
			autoHighlight: true,
			highlightColor: HOVER,
			filled: true,
			stroked: false,
			getFillColor: (f) => {
				const classIndex = input.classOf ? input.classOf(f.properties.code) : f.properties.classIndex;
				return classIndex === -2 ? suppressed : (classColours[classIndex] ?? noData);
			},
			updateTriggers: { getFillColor: [classColours, noData, suppressed, input.classKey] }
		})
	];
	if (municipalityBorders) {
		layers.push(
			new GeoJsonLayer({
				id: 'municipality-borders',
				data: [municipalityBorders],
				stroked: true,
				filled: false,
				getLineColor: MUNICIPALITY_BORDER,
				lineWidthUnits: 'pixels',
				getLineWidth: 0.6
			})
		);
	}
	if (departmentLines) {
		layers.push(
			new GeoJsonLayer({
				id: 'department-outlines',
				data: [departmentLines],
				stroked: true,
				filled: false,
				getLineColor: DEPARTMENT_BORDER,
				lineWidthUnits: 'pixels',
				getLineWidth: 1.2,
				lineJointRounded: true
			})
		);
	}
	const selected = selectedCode ? municipalities.filter((f) => f.properties.code === selectedCode) : [];
	// A white halo under a strong magenta line: visible on every class colour, pale or dark, and
	// distinct from the blue–yellow ramp.
	for (const [id, colour, width] of [
		['selection-halo', HALO, 6],
		['selection-outline', SELECTION, 2.5]
	] as const) {
		layers.push(
			new GeoJsonLayer({
				id,
				data: selected,
				stroked: true,
				filled: false,
				getLineColor: colour,
				lineWidthUnits: 'pixels',
				getLineWidth: width,
				lineJointRounded: true
			})
		);
	}
	if (input.hexagons && input.hexagons.length > 0) {
		const max = Math.max(...input.hexagons.map((h) => h.count), 1);
		layers.push(
			new H3HexagonLayer<{ h3: string; count: number }>({
				id: 'report-hexagons',
				data: input.hexagons,
				getHexagon: (d) => d.h3,
				// Dark purple, more opaque with more events: distinct from both choropleth ramps.
				getFillColor: (d) => [84, 39, 143, 70 + Math.round((160 * Math.sqrt(d.count)) / Math.sqrt(max))],
				getLineColor: [255, 255, 255, 200],
				lineWidthUnits: 'pixels',
				getLineWidth: 1,
				stroked: true,
				extruded: false,
				pickable: false,
				updateTriggers: { getFillColor: [max] }
			})
		);
	}
	if (input.dialogues && input.dialogues.length > 0) {
		layers.push(
			new ScatterplotLayer<ClusteredMark>({
				id: 'dialogues',
				data: input.dialogues,
				getPosition: (d) => d.position,
				radiusUnits: 'pixels',
				getRadius: (d) => (d.count > 1 ? 9 + 3 * Math.sqrt(d.count) : 7),
				stroked: true,
				lineWidthUnits: 'pixels',
				getLineWidth: 2.5,
				// Municipality-level entries are rings: the meeting place is not known or not public.
				getFillColor: (d) =>
					d.count > 1 ? [0, 109, 119, 230] : d.exact ? [0, 109, 119, 230] : [255, 255, 255, 200],
				getLineColor: (d) => (d.count > 1 ? [255, 255, 255, 255] : [0, 109, 119, 255]),
				pickable: false
			}),
			new TextLayer<ClusteredMark>({
				id: 'dialogue-counts',
				data: input.dialogues.filter((d) => d.count > 1),
				getPosition: (d) => d.position,
				getText: (d) => String(d.count),
				getSize: 13,
				getColor: [255, 255, 255, 255],
				fontWeight: 700,
				// The system's sans-serif: no web font is fetched.
				fontFamily: 'system-ui, sans-serif',
				characterSet: '0123456789',
				getTextAnchor: 'middle',
				getAlignmentBaseline: 'center',
				pickable: false
			})
		);
	}
	return layers;
}
