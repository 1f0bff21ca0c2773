import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { topology } from 'topojson-server';

/**
 * A small MGN-like source made in code for tests: a 3 × 3 grid of square municipalities
 * (department 91: the left two columns, department 94: the right column) and one island
 * (department 88) far from the grid. Cells are 0.1° wide, near Leticia so they fall inside Colombia.
 * Cell (row r, column c) has code 91/94 + 3 digits; its corners touch its diagonal cells.
 */
export const GRID_ORIGIN: [number, number] = [-70, -3];
const SIZE = 0.1;

/** A deterministic wiggle, so both cells along a shared edge compute the same vertices. */
function wiggle(t: number): number {
	return 0.002 * Math.sin(t * 997);
}

/**
 * A square whose edges carry `steps - 1` extra, slightly wiggled vertices, giving the simplifier
 * something to remove. The wiggle depends only on absolute coordinates, so neighbours share edges.
 */
function square(west: number, south: number, size = SIZE, steps = 1): Polygon {
	const east = west + size;
	const north = south + size;
	const ring: [number, number][] = [];
	const along = (i: number, from: number, to: number) => from + ((to - from) * i) / steps;
	const inner = (i: number) => i > 0 && i < steps;
	for (let i = 0; i < steps; i++)
		ring.push([along(i, west, east), south + (inner(i) ? wiggle(along(i, west, east)) : 0)]);
	for (let i = 0; i < steps; i++)
		ring.push([east + (inner(i) ? wiggle(along(i, south, north)) : 0), along(i, south, north)]);
	for (let i = 0; i < steps; i++)
		ring.push([along(i, east, west), north + (inner(i) ? wiggle(along(i, east, west)) : 0)]);
	for (let i = 0; i < steps; i++)
		ring.push([west + (inner(i) ? wiggle(along(i, north, south)) : 0), along(i, north, south)]);
	ring.push(ring[0]!);
	return { type: 'Polygon', coordinates: [ring] };
}

export function gridCode(row: number, col: number): string {
	return `${col < 2 ? '91' : '94'}${String(100 + row * 3 + col).padStart(3, '0')}`;
}

export function gridFeatures(): Feature<Polygon, Record<string, unknown>>[] {
	const features: Feature<Polygon, Record<string, unknown>>[] = [];
	for (let row = 0; row < 3; row++) {
		for (let col = 0; col < 3; col++) {
			const code = gridCode(row, col);
			features.push({
				type: 'Feature',
				properties: mgnProperties(code, `MUNICIPIO ${row}-${col}`, 1000 * (row + 1) + col),
				geometry: square(GRID_ORIGIN[0] + col * SIZE, GRID_ORIGIN[1] + row * SIZE, SIZE, 6)
			});
		}
	}
	features.push({
		type: 'Feature',
		properties: mgnProperties('88001', 'SAN ANDRÉS', 43758),
		geometry: square(-81.72, 12.5, 0.02)
	});
	return features;
}

function mgnProperties(code: string, name: string, population: number): Record<string, unknown> {
	return {
		MPIO_CDPMP: code,
		DPTO_CCDGO: code.slice(0, 2),
		MPIO_CCDGO: code.slice(2),
		MPIO_CNMBR: name,
		VERSION: 2018,
		AREA: 123_000_000,
		LATITUD: -2.9,
		LONGITUD: -69.9,
		STP27_PERS: population,
		TSP16_HOG: Math.round(population / 3)
	};
}

export function gridFeatureCollection(): FeatureCollection<Polygon, Record<string, unknown>> {
	return { type: 'FeatureCollection', features: gridFeatures() };
}

/** The grid as an MGN-style TopoJSON with both objects, as DANE-derived files are shaped. */
export function gridTopology(): object {
	const municipalities = gridFeatureCollection();
	const byDepartment = new Map<string, Feature<Polygon, Record<string, unknown>>[]>();
	for (const f of municipalities.features) {
		const code = String(f.properties.DPTO_CCDGO);
		byDepartment.set(code, [...(byDepartment.get(code) ?? []), f]);
	}
	const departments: FeatureCollection<MultiPolygon> = {
		type: 'FeatureCollection',
		features: [...byDepartment].map(([code, members]) => ({
			type: 'Feature',
			properties: { DPTO_CCDGO: code, DPTO_CNMBR: `DEPARTAMENTO ${code}` },
			geometry: { type: 'MultiPolygon', coordinates: members.map((m) => m.geometry.coordinates) }
		}))
	};
	return topology({ MGN_ANM_MPIOS: municipalities, MGN_ANM_DPTOS: departments }, 1e6);
}

/** Writes JSON to a new temporary file and returns its path. */
export function writeTempJson(value: unknown, name = 'source.json'): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-geo-'));
	const file = path.join(dir, name);
	fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
	return file;
}
