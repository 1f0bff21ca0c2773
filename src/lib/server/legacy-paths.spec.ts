import { describe, expect, it } from 'vitest';
import { movedLocation } from './legacy-paths';

describe('moved pages', () => {
	it('sends the English paths to the Spanish ones, keeping the query', () => {
		expect(movedLocation(new URL('http://x.test/login?next=%2Fdialogos&lang=en'))).toBe(
			'/ingresar?next=%2Fdialogos&lang=en'
		);
		expect(movedLocation(new URL('http://x.test/imports/'))).toBe('/importaciones');
		expect(movedLocation(new URL('http://x.test/logout'))).toBe('/salir');
	});

	it('leaves every other path alone', () => {
		for (const path of ['/', '/ingresar', '/login/extra', '/publico', '/api/imports'])
			expect(movedLocation(new URL(`http://x.test${path}`))).toBeNull();
	});
});
