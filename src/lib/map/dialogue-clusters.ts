import Supercluster from 'supercluster';

/**
 * Dialogue marks grouped at low zoom (Supercluster: a k-d tree per zoom level), so that the
 * dialogues of neighbouring municipalities — three in the Montes de María — do not hide each
 * other over the whole country. A group is drawn with its count; from `maxZoom` on every dialogue
 * is its own mark. A group counts as an exact place only when all its dialogues are.
 */

export type DialogueMark = { position: [number, number]; exact: boolean };
export type ClusteredMark = DialogueMark & { count: number };

const RADIUS_PX = 36;
const MAX_ZOOM = 8;

type Properties = { exact: boolean; index?: number };

export function clusterDialogueMarks(marks: readonly DialogueMark[], zoom: number): ClusteredMark[] {
	if (marks.length === 0) return [];
	const index = new Supercluster<Properties, Properties>({
		radius: RADIUS_PX,
		maxZoom: MAX_ZOOM,
		map: (props) => ({ exact: props.exact }),
		reduce: (accumulated, props) => {
			accumulated.exact = accumulated.exact && props.exact;
		}
	});
	index.load(
		marks.map((mark, index) => ({
			type: 'Feature' as const,
			geometry: { type: 'Point' as const, coordinates: mark.position },
			properties: { exact: mark.exact, index }
		}))
	);
	return index.getClusters([-180, -85, 180, 85], Math.floor(zoom)).map((feature) => {
		const props = feature.properties as Properties & { cluster?: boolean; point_count?: number };
		// A lone dialogue keeps its exact coordinates (the index stores them reprojected).
		if (!props.cluster && props.index !== undefined) return { ...marks[props.index]!, count: 1 };
		return {
			position: feature.geometry.coordinates as [number, number],
			exact: props.exact,
			count: props.cluster ? (props.point_count ?? 1) : 1
		};
	});
}
