import { describe, expect, it } from 'vitest';
import { normaliseForSearch, searchMunicipalities } from './search';

const places = [
	{ code: '52835', name: 'San Andrés de Tumaco', departmentName: 'Nariño' },
	{ code: '11001', name: 'Bogotá, D.C.', departmentName: 'Bogotá, D.C.' },
	{ code: '76001', name: 'Cali', departmentName: 'Valle del Cauca' },
	{ code: '05001', name: 'Medellín', departmentName: 'Antioquia' },
	{
		code: '88001',
		name: 'San Andrés',
		departmentName: 'Archipiélago de San Andrés, Providencia y Santa Catalina'
	},
	{ code: '19698', name: 'Santander de Quilichao', departmentName: 'Cauca' },
	{ code: '52001', name: 'Pasto', departmentName: 'Nariño' }
];

describe('normaliseForSearch', () => {
	it('removes accents, case and punctuation', () => {
		expect(normaliseForSearch('  Bogotá,   D.C. ')).toBe('bogota d c');
		expect(normaliseForSearch('NARIÑO')).toBe('narino');
		expect(normaliseForSearch('Medellín')).toBe(normaliseForSearch('MEDELLIN'));
	});
});

describe('searchMunicipalities', () => {
	it('finds a municipality by a word inside its name, without accents or case', () => {
		expect(searchMunicipalities(places, 'tumaco').map((p) => p.code)).toEqual(['52835']);
		expect(searchMunicipalities(places, 'TUMACO')[0]?.name).toBe('San Andrés de Tumaco');
	});
	it('ranks the exact name before longer names that contain it', () => {
		expect(searchMunicipalities(places, 'san andres').map((p) => p.code)).toEqual(['88001', '52835']);
	});
	it('matches name and department together', () => {
		expect(searchMunicipalities(places, 'cali valle').map((p) => p.code)).toEqual(['76001']);
		expect(
			searchMunicipalities(places, 'narino')
				.map((p) => p.code)
				.sort()
		).toEqual(['52001', '52835']);
	});
	it('finds by DIVIPOLA code prefix, with or without the leading zero', () => {
		expect(searchMunicipalities(places, '05001').map((p) => p.code)).toEqual(['05001']);
		expect(searchMunicipalities(places, '5283').map((p) => p.code)).toEqual(['52835']);
	});
	it('returns nothing for an empty or unmatched query, and honours the limit', () => {
		expect(searchMunicipalities(places, '  ')).toEqual([]);
		expect(searchMunicipalities(places, 'zzz')).toEqual([]);
		expect(searchMunicipalities(places, 'san', 1)).toHaveLength(1);
	});
});
