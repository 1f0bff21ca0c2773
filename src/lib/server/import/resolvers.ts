import fs from 'node:fs';
import aliases from '../../../../data/name-aliases.json';
import type { Mapping } from '$lib/domain/import/mapping';
import type { Resolvers } from '$lib/domain/import/rows';
import { createNameResolver, normaliseCode } from '$lib/domain/municipality-resolver';
import type { DB } from '../db/connection';
import { loadPointLocator, type PointLocator } from '../geo/point-locator';

/**
 * The lookups an import needs, built from the loaded boundaries: known codes, names (with the
 * spellings of the sources in data/name-aliases.json) and, for mappings with points, a spatial
 * index of the full-resolution MGN polygons (loaded once per process: it takes a few seconds).
 */

let locator: { file: string; locator: Promise<PointLocator> } | null = null;

export function createResolverFactory(db: DB, boundariesSource: string) {
	return async (mapping: Mapping): Promise<Omit<Resolvers, 'digest'>> => {
		const municipalities = db
			.prepare(
				`SELECT m.code, m.name, m.official_name AS officialName, m.department_code AS departmentCode,
					d.name AS departmentName
				 FROM municipalities m JOIN departments d ON d.code = m.department_code`
			)
			.all() as {
			code: string;
			name: string;
			officialName: string;
			departmentCode: string;
			departmentName: string;
		}[];
		if (municipalities.length === 0) {
			throw new Error('No municipalities are loaded: run `npm run geo:build` (or `npm start`) first');
		}
		const known = new Set(municipalities.map((m) => m.code));
		const code = (raw: string) => {
			const normalised = normaliseCode(raw);
			return normalised && known.has(normalised) ? normalised : null;
		};
		const byName = createNameResolver(municipalities, aliases);
		const names = (department: string, municipality: string) => byName.resolve(department, municipality);

		if (!mapping.point) return { code, names };
		if (!fs.existsSync(boundariesSource)) return { code, names };
		if (locator?.file !== boundariesSource) {
			locator = { file: boundariesSource, locator: loadPointLocator(boundariesSource) };
		}
		const points = await locator.locator;
		return { code, names, point: (lon, lat) => points.locate(lon, lat) };
	};
}
