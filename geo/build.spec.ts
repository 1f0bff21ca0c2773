import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/lib/server/db/connection';
import { buildBoundaries } from './build';
import { gridCode, gridFeatureCollection, gridTopology, writeTempJson } from './fixtures';
import { queenNeighbours } from './neighbours';
import { arcUseCounts, simplifyTopology } from './simplify';
import { geometryOf } from './topology';
import { checkPolygonGeometry, readBoundarySource } from './source';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

function tempDir(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-geo-build-'));
	cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
	return dir;
}

function mutatedGrid(mutate: (features: ReturnType<typeof gridFeatureCollection>['features']) => void) {
	const fc = gridFeatureCollection();
	mutate(fc.features);
	return writeTempJson(fc);
}

describe('readBoundarySource', () => {
	it('reads an MGN-style TopoJSON with municipality and department objects', () => {
		const source = readBoundarySource(writeTempJson(gridTopology()));
		expect(source.municipalities).toHaveLength(10);
		expect(source.departments.map((d) => d.code).sort()).toEqual(['88', '91', '94']);
		expect(source.departments.find((d) => d.code === '91')?.population).toBe(
			1000 + 1001 + 2000 + 2001 + 3000 + 3001
		);
		expect(source.sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it('reads a GeoJSON FeatureCollection and dissolves departments from municipalities', () => {
		const source = readBoundarySource(writeTempJson(gridFeatureCollection()));
		expect(source.municipalities).toHaveLength(10);
		expect(source.departments.map((d) => d.code).sort()).toEqual(['88', '91', '94']);
		const m = source.municipalities.find((x) => x.code === gridCode(0, 0))!;
		// The west edge wiggles by at most 0.002° around -70.
		expect(m.bbox[0]).toBeGreaterThanOrEqual(-70.002);
		expect(m.bbox[0]).toBeLessThanOrEqual(-70);
		expect(m.areaKm2).toBeCloseTo(123, 6);
	});

	it('says where it looked, and where DANE publishes the MGN, when the file is missing', () => {
		const missing = path.join(os.tmpdir(), 'no-such-dir', 'mgn.topo.json');
		expect(() => readBoundarySource(missing)).toThrow(
			/no-such-dir\/mgn\.topo\.json[\s\S]*does not exist[\s\S]*geoportal\.dane\.gov\.co[\s\S]*RESILIENCIA_BOUNDARIES/
		);
	});

	it('rejects a file that is not JSON, or JSON of another kind', () => {
		expect(() => readBoundarySource(writeTempJson('{"type": "Topo'))).toThrow(/not valid JSON/);
		expect(() => readBoundarySource(writeTempJson({ hello: 'world' }))).toThrow(
			/neither a TopoJSON Topology nor a GeoJSON/
		);
		expect(() =>
			readBoundarySource(
				writeTempJson({
					type: 'Topology',
					arcs: [],
					objects: { rivers: { type: 'GeometryCollection', geometries: [] } }
				})
			)
		).toThrow(/no object of municipalities[\s\S]*objects found: rivers/);
	});

	it('names duplicate codes, malformed codes and mismatched departments', () => {
		const file = mutatedGrid((features) => {
			features[1]!.properties.MPIO_CDPMP = features[0]!.properties.MPIO_CDPMP;
			features[2]!.properties.MPIO_CDPMP = '9110';
			features[3]!.properties.DPTO_CCDGO = '52';
		});
		let message = '';
		try {
			readBoundarySource(file);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toContain(`municipality #2 (91100): duplicate code 91100 (also municipality #1)`);
		expect(message).toMatch(/municipality #3 \(9110\): MPIO_CDPMP: MPIO_CDPMP must be a 5-digit text code/);
		expect(message).toContain('municipality #4 (91103): DPTO_CCDGO 52 is not the start of the code 91103');
	});

	it('rejects open rings, too few positions, non-numeric and out-of-country coordinates', () => {
		const file = mutatedGrid((features) => {
			features[0]!.geometry.coordinates[0]!.pop(); // no longer closed
			features[4]!.geometry.coordinates[0]![2] = [Number.NaN, 0];
			features[5]!.geometry.coordinates[0]![3] = [2.35, 48.85];
		});
		// GeoJSON → topology would choke on NaN, so check the geometry rules directly as well.
		expect(
			checkPolygonGeometry({
				type: 'Polygon',
				coordinates: [
					[
						[-70, -3],
						[-69.9, -3],
						[-70, -3]
					]
				]
			}).problems
		).toEqual(['polygon 1, ring 1 has 3 positions (at least 4 are needed)']);
		expect(
			checkPolygonGeometry({
				type: 'Polygon',
				coordinates: [
					[
						[-70, -3],
						[-69.9, -3],
						[-69.9, -2.9],
						[-70, -2.9]
					]
				]
			}).problems
		).toEqual(['polygon 1, ring 1 is not closed']);
		expect(
			checkPolygonGeometry({
				type: 'Polygon',
				coordinates: [
					[
						[-70, -3],
						[-69.9, -3],
						[-69.8, -3],
						[-70, -3]
					]
				]
			}).problems
		).toEqual(['polygon 1, ring 1 has zero area']);
		expect(checkPolygonGeometry({ type: 'Point', coordinates: [-70, -3] }).problems[0]).toMatch(
			/not a Polygon/
		);
		expect(() => readBoundarySource(file)).toThrow(/problem\(s\) found/);
	});
});

describe('queenNeighbours', () => {
	const source = readBoundarySource(writeTempJson(gridTopology()));
	const neighbours = queenNeighbours(
		source.topology,
		source.topology.objects.municipalities,
		(i) => source.municipalities[i]!.code
	);

	it('links cells that share an edge (rook) and cells that touch at a corner (queen only)', () => {
		const centre = neighbours.get(gridCode(1, 1))!;
		expect(centre).toHaveLength(8);
		expect(
			centre
				.filter((n) => n.sharesEdge)
				.map((n) => n.code)
				.sort()
		).toEqual([gridCode(0, 1), gridCode(1, 0), gridCode(1, 2), gridCode(2, 1)].sort());
		expect(centre.find((n) => n.code === gridCode(0, 0))?.sharesEdge).toBe(false);
		expect(
			neighbours
				.get(gridCode(0, 0))!
				.map((n) => n.code)
				.sort()
		).toEqual([gridCode(0, 1), gridCode(1, 0), gridCode(1, 1)].sort());
	});

	it('is symmetric and leaves the island with no neighbours', () => {
		for (const [code, list] of neighbours) {
			for (const n of list)
				expect(
					neighbours.get(n.code)!.some((back) => back.code === code && back.sharesEdge === n.sharesEdge)
				).toBe(true);
		}
		expect(neighbours.get('88001')).toEqual([]);
	});
});

describe('simplifyTopology', () => {
	const source = readBoundarySource(writeTempJson(gridTopology()));

	it('removes points but keeps every interior boundary shared by exactly the same two municipalities', () => {
		const before = arcUseCounts(source.topology.objects.municipalities);
		const simplified = simplifyTopology(source.topology, { keep: 0.1, quantization: 1e5 }) as Topology;
		const after = arcUseCounts(simplified.objects.municipalities as GeometryCollection);
		expect(after).toEqual(before);
		expect([...after.values()].filter((n) => n === 2).length).toBe(12); // 12 interior edges in a 3 × 3 grid
		const points = (t: Topology) => t.arcs.reduce((sum, arc) => sum + arc.length, 0);
		expect(points(simplified)).toBeLessThan(points(source.topology));
	});

	it('never collapses a polygon, even the smallest island', () => {
		const simplified = simplifyTopology(source.topology, { keep: 0.01, quantization: 1e4 }) as Topology;
		const collection = simplified.objects.municipalities as GeometryCollection;
		for (const geometry of collection.geometries) {
			const { problems } = checkPolygonGeometry(geometryOf(simplified, geometry));
			expect(problems).toEqual([]);
		}
	});
});

describe('buildBoundaries', () => {
	it('loads municipalities, departments and neighbours, writes web boundaries, and skips an unchanged source', async () => {
		const dir = tempDir();
		const db = openDatabase(path.join(dir, 'test.db'));
		cleanups.push(() => db.close());
		const source = writeTempJson(gridTopology());
		const outDir = path.join(dir, 'boundaries');
		const report = await buildBoundaries({ source, db, outDir, log: () => {} });
		expect(report).toMatchObject({ skipped: false, municipalities: 10, departments: 3, islands: ['88001'] });
		expect(db.prepare('SELECT name, is_island FROM municipalities WHERE code = ?').get('88001')).toEqual({
			name: 'San Andrés',
			is_island: 1
		});
		expect(
			db.prepare('SELECT count(*) AS n FROM municipality_neighbours WHERE code = ?').get(gridCode(1, 1))
		).toEqual({ n: 8 });
		const web = JSON.parse(
			fs.readFileSync(path.join(outDir, 'municipalities.topo.json'), 'utf8')
		) as Topology;
		const first = (web.objects.municipalities as GeometryCollection).geometries[0]!;
		expect(first.properties).toEqual({ code: gridCode(0, 0), name: 'Municipio 0-0', department: '91' });
		expect(first.id).toBe(gridCode(0, 0));

		const again = await buildBoundaries({ source, db, outDir, log: () => {} });
		expect(again.skipped).toBe(true);
	});

	it('leaves the loaded boundaries untouched when a new source is invalid', async () => {
		const dir = tempDir();
		const db = openDatabase(path.join(dir, 'test.db'));
		cleanups.push(() => db.close());
		const outDir = path.join(dir, 'boundaries');
		await buildBoundaries({ source: writeTempJson(gridTopology()), db, outDir, log: () => {} });
		const bad = mutatedGrid((features) => {
			features[0]!.properties.STP27_PERS = -5;
		});
		await expect(buildBoundaries({ source: bad, db, outDir, log: () => {} })).rejects.toThrow(/STP27_PERS/);
		expect(db.prepare('SELECT count(*) AS n FROM municipalities').get()).toEqual({ n: 10 });
	});

	it('rolls back the whole load when one row violates the schema', async () => {
		const dir = tempDir();
		const db = openDatabase(path.join(dir, 'test.db'));
		cleanups.push(() => db.close());
		const outDir = path.join(dir, 'boundaries');
		await buildBoundaries({ source: writeTempJson(gridTopology()), db, outDir, log: () => {} });
		// A municipality referenced by other data cannot be removed: the new load must fail whole.
		db.exec(
			`CREATE TABLE refs (code TEXT REFERENCES municipalities (code)); INSERT INTO refs VALUES ('${gridCode(2, 2)}');`
		);
		const withoutOne = gridFeatureCollection();
		withoutOne.features = withoutOne.features.filter((f) => f.properties.MPIO_CDPMP !== gridCode(2, 2));
		withoutOne.features[0]!.properties.MPIO_CNMBR = 'NUEVO NOMBRE';
		await expect(
			buildBoundaries({ source: writeTempJson(withoutOne), db, outDir, force: true, log: () => {} })
		).rejects.toThrow(/FOREIGN KEY/);
		expect(db.prepare('SELECT count(*) AS n FROM municipalities').get()).toEqual({ n: 10 });
		expect(db.prepare('SELECT name FROM municipalities WHERE code = ?').get(gridCode(0, 0))).toEqual({
			name: 'Municipio 0-0'
		});
		expect(db.prepare('SELECT count(*) AS n FROM municipality_neighbours').get()).not.toEqual({ n: 0 });
	});
});
