import { describe, expect, it } from 'vitest';
import aliases from '../../../data/name-aliases.json';
import { createNameResolver, normaliseCode, normaliseName } from './municipality-resolver';

const MUNICIPALITIES = [
	{
		code: '05001',
		name: 'Medellín',
		officialName: 'MEDELLÍN',
		departmentCode: '05',
		departmentName: 'Antioquia'
	},
	{
		code: '76001',
		name: 'Cali',
		officialName: 'SANTIAGO DE CALI',
		departmentCode: '76',
		departmentName: 'Valle del Cauca'
	},
	{
		code: '11001',
		name: 'Bogotá, D.C.',
		officialName: 'BOGOTÁ, D.C.',
		departmentCode: '11',
		departmentName: 'Bogotá, D.C.'
	},
	{
		code: '52835',
		name: 'San Andrés de Tumaco',
		officialName: 'SAN ANDRÉS DE TUMACO',
		departmentCode: '52',
		departmentName: 'Nariño'
	},
	{ code: '52378', name: 'La Cruz', officialName: 'LA CRUZ', departmentCode: '52', departmentName: 'Nariño' },
	{
		code: '05400',
		name: 'La Unión',
		officialName: 'LA UNIÓN',
		departmentCode: '05',
		departmentName: 'Antioquia'
	},
	{
		code: '52399',
		name: 'La Unión',
		officialName: 'LA UNIÓN',
		departmentCode: '52',
		departmentName: 'Nariño'
	}
];

describe('normaliseCode', () => {
	it.each([
		['05001', '05001'],
		['5001', '05001'],
		['05001000', '05001'],
		['5001000', '05001'],
		['13001009', '13001'],
		[' 52835 ', '52835'],
		['5001.0', '05001']
	])('reads %s as %s', (input, code) => expect(normaliseCode(input)).toBe(code));

	it.each(['', 'abc', '00000', '52000', '52000000', '123', '123456'])('refuses %j', (input) => {
		expect(normaliseCode(input)).toBeNull();
	});
});

describe('the name resolver', () => {
	const resolver = createNameResolver(MUNICIPALITIES, aliases);

	it('ignores case, accents and the (CT) mark of capitals', () => {
		expect(resolver.resolve('ANTIOQUIA', 'MEDELLÍN (CT)')).toEqual({ code: '05001' });
		expect(resolver.resolve('antioquia', 'Medellin')).toEqual({ code: '05001' });
		expect(normaliseName('  Medellín (CT) ')).toBe('medellin');
	});

	it('knows the short department names of the sources and Bogotá under Cundinamarca', () => {
		expect(resolver.resolve('VALLE', 'CALI (CT)')).toEqual({ code: '76001' });
		expect(resolver.resolve('CUNDINAMARCA', 'BOGOTÁ D.C. (CT)')).toEqual({ code: '11001' });
		expect(resolver.resolve('NARIÑO', 'TUMACO')).toEqual({ code: '52835' });
	});

	it('resolves a repeated name within its department only, and says why when it cannot', () => {
		expect(resolver.resolve('Nariño', 'La Unión')).toEqual({ code: '52399' });
		expect(resolver.resolve('Antioquia', 'LA UNION')).toEqual({ code: '05400' });
		expect(resolver.resolve('Atlantis', 'Medellín')).toEqual({ error: 'unknown_department' });
		expect(resolver.resolve('Antioquia', 'NO REPORTA')).toEqual({ error: 'unknown_municipality' });
	});
});
