import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mergeArcs } from 'topojson-client';
import { topology as toTopology } from 'topojson-server';
import type {
	GeometryCollection,
	GeometryObject,
	Polygon,
	MultiPolygon,
	Topology
} from 'topojson-specification';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import { z } from 'zod';
import { BoundarySourceError } from './errors';
import { geometryOf } from './topology';

/** Mainland Colombia, the San Andrés archipelago and a margin, in degrees. */
const COLOMBIA_BBOX = { west: -82.5, south: -4.5, east: -66, north: 14 };
const MAX_PROBLEMS_LISTED = 20;

const MunicipalityProperties = z.object({
	MPIO_CDPMP: z.string().regex(/^\d{5}$/, 'MPIO_CDPMP must be a 5-digit text code such as "05001"'),
	DPTO_CCDGO: z.string().regex(/^\d{2}$/, 'DPTO_CCDGO must be a 2-digit text code'),
	MPIO_CNMBR: z.string().trim().min(1, 'MPIO_CNMBR (name) is empty'),
	AREA: z.number().positive('AREA (m²) must be positive'),
	LATITUD: z.number().min(COLOMBIA_BBOX.south).max(COLOMBIA_BBOX.north),
	LONGITUD: z.number().min(COLOMBIA_BBOX.west).max(COLOMBIA_BBOX.east),
	STP27_PERS: z.number().int().nonnegative('STP27_PERS (2018 census persons) must be a whole number ≥ 0'),
	TSP16_HOG: z.number().int().nonnegative().optional()
});

const DepartmentProperties = z.object({
	DPTO_CCDGO: z.string().regex(/^\d{2}$/),
	DPTO_CNMBR: z.string().trim().min(1)
});

export type BBox = [west: number, south: number, east: number, north: number];

export type MunicipalityRecord = {
	code: string;
	officialName: string;
	departmentCode: string;
	population: number;
	households: number | null;
	areaKm2: number;
	point: [lon: number, lat: number];
	bbox: BBox;
};

export type DepartmentRecord = {
	code: string;
	officialName: string;
	population: number;
	areaKm2: number;
	point: [lon: number, lat: number];
	bbox: BBox;
};

/** A validated source: one topology holding `municipalities` and `departments` on shared arcs. */
export type BoundarySource = {
	file: string;
	sha256: string;
	topology: Topology<{ municipalities: GeometryCollection; departments: GeometryCollection }>;
	municipalities: MunicipalityRecord[];
	departments: DepartmentRecord[];
};

export function readBoundarySource(file: string): BoundarySource {
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(file);
	} catch (error) {
		const reason =
			(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'The file does not exist.' : String(error);
		throw new BoundarySourceError(file, reason);
	}
	let json: unknown;
	try {
		json = JSON.parse(bytes.toString('utf8'));
	} catch (error) {
		throw new BoundarySourceError(file, `The file is not valid JSON (${(error as Error).message}).`);
	}
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const topology = toCommonTopology(file, json);
	const { municipalities, departments } = validate(file, topology);
	return { file, sha256, topology, municipalities, departments };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasProperty(geometry: GeometryObject, key: string): boolean {
	return isObject(geometry.properties) && key in geometry.properties;
}

/** TopoJSON or GeoJSON in, one topology with `municipalities` and `departments` out. */
function toCommonTopology(file: string, json: unknown): BoundarySource['topology'] {
	if (isObject(json) && json.type === 'Topology' && isObject(json.objects) && Array.isArray(json.arcs)) {
		const topo = json as unknown as Topology;
		const collections = Object.entries(topo.objects).filter(
			(entry): entry is [string, GeometryCollection] => entry[1].type === 'GeometryCollection'
		);
		const municipalities = collections.find(([, o]) =>
			o.geometries.some((g) => hasProperty(g, 'MPIO_CDPMP'))
		);
		if (!municipalities) {
			throw new BoundarySourceError(
				file,
				`The TopoJSON has no object of municipalities (geometries with the property MPIO_CDPMP); objects found: ${Object.keys(topo.objects).join(', ') || 'none'}.`
			);
		}
		const departments = collections.find(
			([, o]) =>
				o.geometries.length > 0 &&
				o.geometries.every((g) => hasProperty(g, 'DPTO_CNMBR') && !hasProperty(g, 'MPIO_CDPMP'))
		);
		return {
			...topo,
			objects: {
				municipalities: municipalities[1],
				departments: departments ? departments[1] : dissolveDepartments(topo, municipalities[1])
			}
		};
	}
	if (isObject(json) && json.type === 'FeatureCollection' && Array.isArray(json.features)) {
		// 1e6 quantization: ~1.5 cm over Colombia, fine enough that shared vertices stay shared.
		const topo = toTopology({ municipalities: json as unknown as FeatureCollection }, 1e6) as Topology;
		const municipalities = topo.objects.municipalities as GeometryCollection;
		return { ...topo, objects: { municipalities, departments: dissolveDepartments(topo, municipalities) } };
	}
	throw new BoundarySourceError(
		file,
		'The JSON is neither a TopoJSON Topology nor a GeoJSON FeatureCollection of municipality polygons.'
	);
}

/** Departments as the union of their municipalities, sharing the same arcs. */
function dissolveDepartments(topo: Topology, municipalities: GeometryCollection): GeometryCollection {
	const byDepartment = new Map<string, (Polygon | MultiPolygon)[]>();
	for (const g of municipalities.geometries) {
		const code = String((g.properties as Record<string, unknown> | undefined)?.DPTO_CCDGO ?? '');
		if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') continue;
		byDepartment.set(code, [...(byDepartment.get(code) ?? []), g]);
	}
	return {
		type: 'GeometryCollection',
		geometries: [...byDepartment].map(([code, parts]) => ({
			...mergeArcs(topo, parts),
			properties: { DPTO_CCDGO: code, DPTO_CNMBR: code }
		}))
	};
}

function polygonsOf(geometry: Geometry | null): Position[][][] {
	if (geometry?.type === 'Polygon') return [geometry.coordinates];
	if (geometry?.type === 'MultiPolygon') return geometry.coordinates;
	return [];
}

/** Shoelace area in square degrees; only its sign and zero-ness matter here. */
function ringArea(ring: Position[]): number {
	let sum = 0;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
	}
	return sum / 2;
}

/** Problems of one polygon geometry, or [] when valid; also returns its bounding box. */
export function checkPolygonGeometry(geometry: Geometry | null): { problems: string[]; bbox: BBox } {
	const problems: string[] = [];
	const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
	const polygons = polygonsOf(geometry);
	if (polygons.length === 0)
		problems.push(`geometry is ${geometry?.type ?? 'missing'}, not a Polygon or MultiPolygon`);
	polygons.forEach((rings, p) => {
		rings.forEach((ring, r) => {
			const where = `polygon ${p + 1}, ring ${r + 1}`;
			if (ring.length < 4) problems.push(`${where} has ${ring.length} positions (at least 4 are needed)`);
			for (const position of ring) {
				const [lon, lat] = position;
				if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
					problems.push(`${where} has a non-numeric coordinate`);
					return;
				}
				if (
					lon! < COLOMBIA_BBOX.west ||
					lon! > COLOMBIA_BBOX.east ||
					lat! < COLOMBIA_BBOX.south ||
					lat! > COLOMBIA_BBOX.north
				) {
					problems.push(
						`${where} has the position [${lon}, ${lat}], outside Colombia (expected WGS84 lon/lat)`
					);
					return;
				}
				bbox[0] = Math.min(bbox[0], lon!);
				bbox[1] = Math.min(bbox[1], lat!);
				bbox[2] = Math.max(bbox[2], lon!);
				bbox[3] = Math.max(bbox[3], lat!);
			}
			const first = ring[0];
			const last = ring[ring.length - 1];
			if (first && last && (first[0] !== last[0] || first[1] !== last[1]))
				problems.push(`${where} is not closed`);
			if (r === 0 && ring.length >= 4 && ringArea(ring) === 0) problems.push(`${where} has zero area`);
		});
	});
	return { problems, bbox };
}

function validate(file: string, topology: BoundarySource['topology']) {
	const problems: string[] = [];
	const seen = new Map<string, number>();
	const municipalities: MunicipalityRecord[] = [];
	topology.objects.municipalities.geometries.forEach((geometry, index) => {
		const parsed = MunicipalityProperties.safeParse(geometry.properties ?? {});
		const label = `municipality #${index + 1}${isObject(geometry.properties) && geometry.properties.MPIO_CDPMP ? ` (${String(geometry.properties.MPIO_CDPMP)})` : ''}`;
		if (!parsed.success) {
			for (const issue of parsed.error.issues)
				problems.push(`${label}: ${issue.path.join('.') || 'properties'}: ${issue.message}`);
			return;
		}
		const p = parsed.data;
		if (!p.MPIO_CDPMP.startsWith(p.DPTO_CCDGO)) {
			problems.push(`${label}: DPTO_CCDGO ${p.DPTO_CCDGO} is not the start of the code ${p.MPIO_CDPMP}`);
		}
		const previous = seen.get(p.MPIO_CDPMP);
		if (previous !== undefined)
			problems.push(`${label}: duplicate code ${p.MPIO_CDPMP} (also municipality #${previous + 1})`);
		seen.set(p.MPIO_CDPMP, index);
		const { problems: geometryProblems, bbox } = checkPolygonGeometry(geometryOf(topology, geometry));
		for (const problem of geometryProblems) problems.push(`${label}: ${problem}`);
		municipalities.push({
			code: p.MPIO_CDPMP,
			officialName: p.MPIO_CNMBR,
			departmentCode: p.DPTO_CCDGO,
			population: p.STP27_PERS,
			households: p.TSP16_HOG ?? null,
			areaKm2: p.AREA / 1e6,
			point: [p.LONGITUD, p.LATITUD],
			bbox
		});
	});
	if (municipalities.length === 0 && problems.length === 0) problems.push('there are no municipalities');

	const departments = departmentRecords(topology, municipalities, problems);
	if (problems.length > 0) {
		const listed = problems.slice(0, MAX_PROBLEMS_LISTED).map((p) => `- ${p}`);
		if (problems.length > MAX_PROBLEMS_LISTED)
			listed.push(`… and ${problems.length - MAX_PROBLEMS_LISTED} more problems`);
		throw new BoundarySourceError(file, `${problems.length} problem(s) found:\n${listed.join('\n')}`);
	}
	return { municipalities, departments };
}

/** Department facts: names from the department object, totals from their municipalities. */
function departmentRecords(
	topology: BoundarySource['topology'],
	municipalities: MunicipalityRecord[],
	problems: string[]
): DepartmentRecord[] {
	const records: DepartmentRecord[] = [];
	for (const geometry of topology.objects.departments.geometries) {
		const parsed = DepartmentProperties.safeParse(geometry.properties ?? {});
		if (!parsed.success) {
			problems.push(
				`department: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
			);
			continue;
		}
		const members = municipalities.filter((m) => m.departmentCode === parsed.data.DPTO_CCDGO);
		const props = geometry.properties as Record<string, unknown>;
		const { bbox } = checkPolygonGeometry(geometryOf(topology, geometry));
		const lon = typeof props.LONGITUD === 'number' ? props.LONGITUD : (bbox[0] + bbox[2]) / 2;
		const lat = typeof props.LATITUD === 'number' ? props.LATITUD : (bbox[1] + bbox[3]) / 2;
		records.push({
			code: parsed.data.DPTO_CCDGO,
			officialName: parsed.data.DPTO_CNMBR,
			population: members.reduce((sum, m) => sum + m.population, 0),
			areaKm2:
				typeof props.AREA === 'number' ? props.AREA / 1e6 : members.reduce((sum, m) => sum + m.areaKm2, 0),
			point: [lon, lat],
			bbox
		});
	}
	const known = new Set(records.map((d) => d.code));
	for (const code of new Set(municipalities.map((m) => m.departmentCode))) {
		if (!known.has(code)) problems.push(`department ${code} has municipalities but no department boundary`);
	}
	return records;
}
