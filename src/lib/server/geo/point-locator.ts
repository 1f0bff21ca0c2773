import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon } from 'geojson';
import { readBoundarySource } from '../../../../geo/source';
import { geometryOf } from '../../../../geo/topology';

/**
 * Which municipality holds a point: a Flatbush R-tree of the polygons' bounding boxes narrows
 * 1,122 municipalities to the few whose box holds the point, then an exact point-in-polygon test
 * on the full-resolution MGN polygons decides.
 */

export type PointLocator = { locate: (lon: number, lat: number) => string | null };

export type LocatableFeature = { code: string; geometry: Polygon | MultiPolygon };

export function createPointLocator(features: readonly LocatableFeature[]): PointLocator {
	const index = new Flatbush(Math.max(1, features.length));
	for (const { geometry } of features) {
		let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
		const rings =
			geometry.type === 'Polygon' ? [geometry.coordinates[0]!] : geometry.coordinates.map((p) => p[0]!);
		for (const ring of rings) {
			for (const [x, y] of ring) {
				west = Math.min(west, x!);
				east = Math.max(east, x!);
				south = Math.min(south, y!);
				north = Math.max(north, y!);
			}
		}
		index.add(west, south, east, north);
	}
	if (features.length === 0) index.add(0, 0, 0, 0);
	index.finish();
	return {
		locate(lon, lat) {
			for (const i of index.search(lon, lat, lon, lat)) {
				const feature = features[i];
				if (feature && booleanPointInPolygon([lon, lat], feature.geometry)) return feature.code;
			}
			return null;
		}
	};
}

/** A locator over the full-resolution municipalities of a DANE MGN TopoJSON or GeoJSON file. */
export async function loadPointLocator(file: string): Promise<PointLocator> {
	const source = readBoundarySource(file);
	const features: LocatableFeature[] = [];
	for (const object of source.topology.objects.municipalities.geometries) {
		const geometry = geometryOf(source.topology, object);
		const code = (object.properties as { MPIO_CDPMP?: string } | undefined)?.MPIO_CDPMP;
		if (code && geometry && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon')) {
			features.push({ code, geometry });
		}
	}
	return createPointLocator(features);
}
