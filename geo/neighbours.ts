import type { GeometryCollection, Topology } from 'topojson-specification';
import { arcIndicesOf, decodeArcsExact } from './topology';

export type Neighbour = { code: string; sharesEdge: boolean };

/**
 * Queen contiguity: two municipalities are neighbours when their boundaries share at least one
 * point; rook neighbours (`sharesEdge`) share a stretch of boundary, i.e. a whole arc.
 *
 * In a topology every point where boundaries meet is a junction, and arcs are cut at junctions,
 * so it is enough to compare arcs (rook) and arc endpoints (queen). Endpoints are compared in the
 * topology's exact integer coordinates, never in rounded degrees. This is the contiguity GeoDa and
 * spdep's `poly2nb(queen = TRUE)` build from the same polygons.
 */
export function queenNeighbours(
	topology: Topology,
	collection: GeometryCollection,
	codeOf: (index: number) => string
): Map<string, Neighbour[]> {
	const arcs = decodeArcsExact(topology);
	const byArc = new Map<number, Set<number>>();
	const byEndpoint = new Map<string, Set<number>>();
	const add = <K>(map: Map<K, Set<number>>, key: K, member: number) => {
		let set = map.get(key);
		if (!set) map.set(key, (set = new Set()));
		set.add(member);
	};
	collection.geometries.forEach((geometry, member) => {
		for (const arcIndex of arcIndicesOf(geometry)) {
			add(byArc, arcIndex, member);
			const arc = arcs[arcIndex]!;
			for (const [x, y] of [arc[0]!, arc[arc.length - 1]!]) add(byEndpoint, `${x},${y}`, member);
		}
	});

	const pairs = new Map<string, boolean>(); // "a|b" (a < b) → shares an edge
	const link = (members: Set<number>, edge: boolean) => {
		const list = [...members];
		for (let i = 0; i < list.length; i++) {
			for (let j = i + 1; j < list.length; j++) {
				const [a, b] = list[i]! < list[j]! ? [list[i]!, list[j]!] : [list[j]!, list[i]!];
				const key = `${a}|${b}`;
				pairs.set(key, (pairs.get(key) ?? false) || edge);
			}
		}
	};
	for (const members of byArc.values()) if (members.size > 1) link(members, true);
	for (const members of byEndpoint.values()) if (members.size > 1) link(members, false);

	const result = new Map<string, Neighbour[]>();
	collection.geometries.forEach((_, index) => result.set(codeOf(index), []));
	for (const [key, sharesEdge] of pairs) {
		const [a, b] = key.split('|').map(Number) as [number, number];
		result.get(codeOf(a))!.push({ code: codeOf(b), sharesEdge });
		result.get(codeOf(b))!.push({ code: codeOf(a), sharesEdge });
	}
	for (const list of result.values()) list.sort((x, y) => x.code.localeCompare(y.code));
	return result;
}
