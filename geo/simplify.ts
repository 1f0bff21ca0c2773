import { gzipSync } from 'node:zlib';
import { quantize } from 'topojson-client';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, GeometryObject, Objects, Topology } from 'topojson-specification';
import { arcIndicesOf, pruneToObjects } from './topology';

export type SimplifyOptions = {
	/** Share of interior points to keep, by Visvalingam weight (0–1). */
	keep: number;
	/** Quantization of the output grid (positions per axis over the bounding box). */
	quantization: number;
};

// The MGN 2018 web file is already generalised (82,189 points); keeping 35 % of the interior points
// at a 1e5 grid (~15 m) gives ~240 KB gzipped for all municipalities, under the 300 KB budget.
export const DEFAULT_SIMPLIFY: SimplifyOptions = { keep: 0.35, quantization: 1e5 };

/** Points kept at least on each arc of a ring that would otherwise collapse (islands, tiny municipalities). */
const MIN_POINTS_PER_SMALL_RING_ARC = 3;

type WeightedArc = [number, number, number][];

/**
 * Topology-preserving simplification (Visvalingam–Whyatt on the shared arcs, topojson-simplify):
 * each shared boundary is simplified once, so neighbours keep identical edges, with no slivers or
 * gaps, and departments (built on the same arcs) stay aligned with their municipalities.
 * Arc endpoints (junctions) are always kept. A ring that would fall under 4 positions keeps its
 * best-weighted points instead, so no municipality disappears.
 */
export function simplifyTopology(topology: Topology, options: SimplifyOptions = DEFAULT_SIMPLIFY): Topology {
	// The typings want non-null properties; geometry properties are never read here.
	const weighted = presimplify(topology as Topology<Objects<Record<string, unknown>>>);
	// topojson-simplify sorts weights in descending order: the quantile at `keep` keeps that share.
	const minWeight = quantile(weighted, options.keep);
	const simplified = simplify(weighted, minWeight);
	const weightedArcs = weighted.arcs as unknown as WeightedArc[];
	for (const name of Object.keys(topology.objects)) {
		for (const geometry of (topology.objects[name] as GeometryCollection).geometries) {
			protectCollapsedRings(geometry, simplified.arcs, weightedArcs);
		}
	}
	return quantize(simplified, options.quantization);
}

function ringsOf(geometry: GeometryObject): number[][] {
	if (geometry.type === 'Polygon') return geometry.arcs;
	if (geometry.type === 'MultiPolygon') return geometry.arcs.flat();
	return [];
}

function protectCollapsedRings(
	geometry: GeometryObject,
	arcs: Topology['arcs'],
	weighted: WeightedArc[]
): void {
	for (const ring of ringsOf(geometry)) {
		const indices = ring.map((a) => (a < 0 ? ~a : a));
		// Each arc repeats its neighbour's endpoint, hence the subtraction.
		const positions = indices.reduce((sum, i) => sum + arcs[i]!.length, 0) - (indices.length - 1);
		if (positions >= 4 + 1) continue; // 4 distinct corners + closing position
		for (const index of indices)
			arcs[index] = keepBestPoints(weighted[index]!, MIN_POINTS_PER_SMALL_RING_ARC);
	}
}

function keepBestPoints(arc: WeightedArc, interior: number): [number, number][] {
	const threshold = arc
		.slice(1, -1)
		.map((p) => p[2])
		.sort((a, b) => b - a)[Math.min(interior, arc.length - 2) - 1];
	return arc
		.filter((p, i) => i === 0 || i === arc.length - 1 || (threshold !== undefined && p[2] >= threshold))
		.map(([x, y]) => [x, y]);
}

export type WebBoundaries = {
	municipalities: string;
	departments: string;
	stats: { layer: string; arcs: number; points: number; rawBytes: number; gzipBytes: number }[];
};

/** Serialises the two web layers, each pruned to the arcs it uses. */
export function serialiseWebBoundaries(topology: Topology): WebBoundaries {
	const stats: WebBoundaries['stats'] = [];
	const write = (name: string) => {
		const layer = pruneToObjects(topology, [name]);
		const text = JSON.stringify(layer);
		stats.push({
			layer: name,
			arcs: layer.arcs.length,
			points: layer.arcs.reduce((sum, arc) => sum + arc.length, 0),
			rawBytes: Buffer.byteLength(text),
			gzipBytes: gzipSync(text, { level: 9 }).length
		});
		return text;
	};
	return { municipalities: write('municipalities'), departments: write('departments'), stats };
}

/** How many municipalities reference each arc: interior boundaries must stay at exactly two. */
export function arcUseCounts(collection: GeometryCollection): Map<number, number> {
	const counts = new Map<number, number>();
	for (const geometry of collection.geometries) {
		for (const index of new Set(arcIndicesOf(geometry))) counts.set(index, (counts.get(index) ?? 0) + 1);
	}
	return counts;
}
