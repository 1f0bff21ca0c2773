import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection';
import { canSeeDepartment, canSeeMunicipality, jurisdictionFilter, jurisdictionParams } from './jurisdiction';
import type { SessionUser } from './types';

const provider: SessionUser = {
	id: 3,
	email: 'policia@example.org',
	role: 'provider',
	jurisdiction: { departments: ['52'], municipalities: ['05001'] }
};
const planner: SessionUser = {
	id: 2,
	email: 'p@example.org',
	role: 'planner',
	jurisdiction: { departments: [], municipalities: [] }
};

describe('jurisdiction', () => {
	it('leaves admins and planners unrestricted and gives the anonymous public nothing', () => {
		expect(jurisdictionFilter(planner)).toBeNull();
		expect(jurisdictionFilter({ ...planner, role: 'admin' })).toBeNull();
		expect(jurisdictionFilter(null)).toEqual({ departments: [], municipalities: [] });
		expect(canSeeMunicipality(null, '52835')).toBe(false);
	});

	it('gives a provider its departments whole and its single municipalities', () => {
		expect(canSeeMunicipality(provider, '52835')).toBe(true);
		expect(canSeeMunicipality(provider, '05001')).toBe(true);
		expect(canSeeMunicipality(provider, '05120')).toBe(false);
		expect(canSeeDepartment(provider, '52')).toBe(true);
		// Medellín alone does not open Antioquia's total.
		expect(canSeeDepartment(provider, '05')).toBe(false);
		expect(canSeeDepartment(planner, '05')).toBe(true);
	});

	it('filters SQL with bound parameters', () => {
		const db = openDatabase(':memory:');
		db.exec(`INSERT INTO departments VALUES ('05','Antioquia',1,1,0,0,0,0,0,0), ('52','Nariño',1,1,0,0,0,0,0,0);
			INSERT INTO municipalities (code, name, official_name, department_code, population_2018, area_km2, point_lon, point_lat,
			  bbox_west, bbox_south, bbox_east, bbox_north) VALUES
			('05001','Medellín','M','05',1,1,0,0,0,0,0,0), ('05120','Cáceres','C','05',1,1,0,0,0,0,0,0),
			('52835','Tumaco','T','52',1,1,0,0,0,0,0,0)`);
		const query = db.prepare(
			`SELECT code FROM municipalities WHERE (@unrestricted = 1
			   OR substr(code, 1, 2) IN (SELECT value FROM json_each(@departments))
			   OR code IN (SELECT value FROM json_each(@municipalities))) ORDER BY code`
		);
		expect(query.pluck().all(jurisdictionParams(jurisdictionFilter(provider)))).toEqual(['05001', '52835']);
		expect(query.pluck().all(jurisdictionParams(jurisdictionFilter(planner)))).toEqual([
			'05001',
			'05120',
			'52835'
		]);
		expect(query.pluck().all(jurisdictionParams(jurisdictionFilter(null)))).toEqual([]);
		db.close();
	});
});
