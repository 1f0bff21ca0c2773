import type { Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';

/** Arc indices referenced by a geometry, as non-negative indices (TopoJSON writes ~i for reversed arcs). */
export function arcIndicesOf(geometry: GeometryObject): number[] {
	const out: number[] = [];
	const visit = (arcs: unknown): void => {
		if (typeof arcs === 'number') out.push(arcs < 0 ? ~arcs : arcs);
		else if (Array.isArray(arcs)) for (const a of arcs) visit(a);
	};
	if ('arcs' in geometry) visit(geometry.arcs);
	return out;
}

/**
 * Absolute coordinates of every arc. Quantized topologies store delta-encoded integers; those are
 * decoded to integers (exact comparisons), not to degrees.
 */
export function decodeArcsExact(topology: Topology): [number, number][][] {
	return topology.arcs.map((arc) => {
		if (!topology.transform) return arc.map(([x, y]) => [x!, y!] as [number, number]);
		let x = 0;
		let y = 0;
		return arc.map(([dx, dy]) => {
			x += dx!;
			y += dy!;
			return [x, y] as [number, number];
		});
	});
}

/** Keeps only the arcs the given objects use, renumbering references (topojson v1's `prune`). */
export function pruneToObjects(topology: Topology, names: string[]): Topology {
	const keep = new Map<number, number>();
	const arcs: Topology['arcs'] = [];
	const remap = (arcsRef: unknown): unknown => {
		if (typeof arcsRef === 'number') {
			const index = arcsRef < 0 ? ~arcsRef : arcsRef;
			let next = keep.get(index);
			if (next === undefined) {
				next = arcs.length;
				keep.set(index, next);
				arcs.push(topology.arcs[index]!);
			}
			return arcsRef < 0 ? ~next : next;
		}
		return Array.isArray(arcsRef) ? arcsRef.map(remap) : arcsRef;
	};
	const objects: Topology['objects'] = {};
	for (const name of names) {
		const collection = topology.objects[name] as GeometryCollection;
		objects[name] = {
			...collection,
			geometries: collection.geometries.map((g) =>
				'arcs' in g ? ({ ...g, arcs: remap(g.arcs) } as GeometryObject) : g
			)
		};
	}
	return {
		type: 'Topology',
		...(topology.transform ? { transform: topology.transform } : {}),
		objects,
		arcs
	};
}

/** The GeoJSON geometry of one topology object (a single geometry, never a collection here). */
export function geometryOf(topology: Topology, object: GeometryObject): Geometry | null {
	const result = feature(topology, object);
	return 'geometry' in result ? result.geometry : null;
}
