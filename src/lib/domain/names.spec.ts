import { describe, expect, it } from 'vitest';
import { displayName } from './names';

describe('displayName', () => {
	it.each([
		['SAN ANDRÉS DE TUMACO', 'San Andrés de Tumaco'],
		['EL CARMEN DE BOLÍVAR', 'El Carmen de Bolívar'],
		['BOGOTÁ, D.C.', 'Bogotá, D.C.'],
		[
			'ARCHIPIÉLAGO DE SAN ANDRÉS, PROVIDENCIA Y SANTA CATALINA',
			'Archipiélago de San Andrés, Providencia y Santa Catalina'
		],
		['VALLE DEL CAUCA', 'Valle del Cauca'],
		['LA GUAJIRA', 'La Guajira'],
		['QUINDIO', 'Quindío'],
		['NARIÑO', 'Nariño'],
		['  SANTA  ROSA DE   OSOS ', 'Santa Rosa de Osos'],
		['CARMEN DEL DARIÉN', 'Carmen del Darién']
	])('%s → %s', (official, expected) => {
		expect(displayName(official)).toBe(expected);
	});
});
