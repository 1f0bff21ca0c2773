import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Feature, MultiLineString } from 'geojson';
import type { MunicipalityFeature } from '$lib/state/atlas.svelte';
import type { ClusteredMark } from './dialogue-clusters';
import { hexToRgba, NO_DATA_COLOUR, SUPPRESSED_COLOUR, type RGBA } from './palette';
import type { MapClass, MapFill } from './thematic';

/**
 * deck.gl layers of the map, bottom to top. This module is imported lazily with deck.gl itself,
 * so the page shell does not wait for ~1 MB of WebGL code. Layer ids are stable and every `data`
 * is the same object from one build to the next unless the geometry itself changed: deck.gl
 * compares `data` by reference, so it then only re-evaluates what changed (the fill colours when
 * `fill.classKey` moves, the selection outline) instead of re-tessellating 1,100 polygons.
 */

export type MapLayerInput = {
	/** The boundary polygons: pass the same array for as long as the geometry is the same. */
	municipalities: MunicipalityFeature[];
	municipalityBorders: Feature<MultiLineString> | null;
	departmentLines: Feature<MultiLineString> | null;
	/** The thematic layer that colours the municipalities (src/lib/map/thematic.ts). */
	fill: MapFill;
	selectedCode: string | null;
	/** Point reports per H3 cell (restricted roles, close zoom), drawn above the choropleth. */
	hexagons?: { h3: string; count: number }[];
	/**
	 * Dialogues: at their place when public (filled), else at the municipality's point (ring);
	 * grouped at low zoom, a group drawn larger with its count (src/lib/map/dialogue-clusters.ts).
	 */
	dialogues?: ClusteredMark[];
};

/** Ids of the layers that carry boundary geometry (counted by the test hook, test-hook.ts). */
export const BOUNDARY_LAYER_IDS = ['municipalities-density', 'municipality-borders', 'department-outlines'];

// Thin mid-grey borders: darker than the palest class and lighter than the darkest, so they
// separate neighbours at both ends of the ramp without competing with the fill colour.
const MUNICIPALITY_BORDER: RGBA = [112, 124, 138, 150];
const DEPARTMENT_BORDER: RGBA = [24, 33, 44, 220];
const SELECTION: RGBA = [200, 30, 90, 255];
const HALO: RGBA = [255, 255, 255, 230];
// Hovered municipality: darkened by ~25% (deck.gl mixes highlightColor in by its alpha).
const HOVER: RGBA = [10, 20, 35, 64];

const NO_DATA: RGBA = hexToRgba(NO_DATA_COLOUR);
const SUPPRESSED: RGBA = hexToRgba(SUPPRESSED_COLOUR);

// A line feature goes to deck.gl wrapped in an array; the wrapper is kept per feature so that a
// rebuild (a new selection, new colours) hands deck.gl the same `data` and no line is re-processed.
const wrapped = new WeakMap<Feature<MultiLineString>, Feature<MultiLineString>[]>();
function wrap(feature: Feature<MultiLineString>): Feature<MultiLineString>[] {
	let data = wrapped.get(feature);
	if (!data) wrapped.set(feature, (data = [feature]));
	return data;
}

// The selected polygon, kept while the boundaries and the selection stay the same.
const selections = new WeakMap<MunicipalityFeature[], { code: string | null; data: MunicipalityFeature[] }>();
function selection(municipalities: MunicipalityFeature[], code: string | null): MunicipalityFeature[] {
	const kept = selections.get(municipalities);
	if (kept && kept.code === code) return kept.data;
	const data = code ? municipalities.filter((f) => f.properties.code === code) : [];
	selections.set(municipalities, { code, data });
	return data;
}

function fillColour(c: MapClass, colours: readonly RGBA[]): RGBA {
	if (c === 'suppressed') return SUPPRESSED;
	if (c === null || c === 'no-data') return NO_DATA;
	return colours[c] ?? NO_DATA;
}

export function buildMapLayers(input: MapLayerInput): Layer[] {
	const { municipalities, municipalityBorders, departmentLines, fill, selectedCode } = input;
	const colours = fill.colours.map((hex) => hexToRgba(hex));
	const layers: Layer[] = [
		new GeoJsonLayer<MunicipalityFeature['properties']>({
			id: 'municipalities-density',
			data: municipalities,
			pickable: true,
			autoHighlight: true,
			highlightColor: HOVER,
			filled: true,
			stroked: false,
			getFillColor: (f) => fillColour(fill.classOf(f.properties.code), colours),
			// The class key covers the palette and every municipality's class: colours are
			// re-evaluated exactly when one of them changes.
			updateTriggers: { getFillColor: [fill.classKey] }
		})
	];
	if (municipalityBorders) {
		layers.push(
			new GeoJsonLayer({
				id: 'municipality-borders',
				data: wrap(municipalityBorders),
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
				data: wrap(departmentLines),
				stroked: true,
				filled: false,
				getLineColor: DEPARTMENT_BORDER,
				lineWidthUnits: 'pixels',
				getLineWidth: 1.2,
				lineJointRounded: true
			})
		);
	}
	const selected = selection(municipalities, selectedCode);
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
