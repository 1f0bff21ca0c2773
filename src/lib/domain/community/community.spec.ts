import { describe, expect, it } from 'vitest';
import { flagKinds, looksPersonal } from './personal';
import { canMove, isFutureDate, parseCommunityDate } from './report';

const kinds = (text: string) => looksPersonal(text).map((f) => f.kind);

describe('looksPersonal', () => {
	it('flags a given name followed by a surname, and titles before a name', () => {
		expect(looksPersonal('Lo contó María Pérez en la reunión')).toEqual([
			{ kind: 'name', text: 'María Pérez' }
		]);
		expect(looksPersonal('Según Juan Carlos Gómez Quiñones')).toEqual([
			{ kind: 'name', text: 'Juan Carlos Gómez Quiñones' }
		]);
		expect(kinds('la señora Quiñones vio a los hombres')).toEqual(['name']);
		expect(kinds('don Ramiro avisó')).toEqual(['name']);
		expect(kinds('maria perez, en minúsculas')).toEqual([]);
	});

	it('does not flag places, institutions or a lone given name', () => {
		expect(kinds('Reclutamiento en San Andrés de Tumaco, vereda Rosario')).toEqual([]);
		expect(kinds('La Defensoría del Pueblo y la Policía Nacional asistieron')).toEqual([]);
		expect(kinds('Victoria es el nombre del barrio')).toEqual([]);
		expect(kinds('Se reportaron 12 casos en 2024, 3 en marzo')).toEqual([]);
	});

	it('flags Colombian mobiles, +57 numbers, landlines and e-mails', () => {
		expect(kinds('llamar al 3105551234')).toEqual(['phone']);
		expect(kinds('llamar al 310 555 1234')).toEqual(['phone']);
		expect(kinds('llamar al 310-555-12-34')).toEqual(['phone']);
		expect(kinds('whatsapp +57 310 555 1234')).toEqual(expect.arrayContaining(['phone']));
		expect(kinds('oficina (602) 555 1234')).toEqual(['phone']);
		expect(kinds('fijo 345 67 89')).toEqual(['phone']);
		expect(kinds('escribir a lider.vereda@gmail.com')).toEqual(['email']);
	});

	it('gives each kind once, in a fixed order, for storage and audit', () => {
		const flags = looksPersonal('ana.gomez@correo.co, 3001234567, Ana Gómez, 3001234567');
		expect(flagKinds(flags)).toEqual(['name', 'phone', 'email']);
	});
});

describe('community report dates and states', () => {
	it('reads a date with its precision and the month it counts in', () => {
		expect(parseCommunityDate('2025-03-14')).toEqual({
			date: '2025-03-14',
			precision: 'day',
			month: '2025-03'
		});
		expect(parseCommunityDate('2025-03')).toEqual({ date: '2025-03', precision: 'month', month: '2025-03' });
		expect(parseCommunityDate('2025')).toEqual({ date: '2025', precision: 'year', month: '2025-01' });
		for (const bad of ['2025-02-30', '2025-13', '25-03', '2025/03', '1899', ''])
			expect(parseCommunityDate(bad)).toBeNull();
	});

	it('a date is in the future only when its first day is after today', () => {
		expect(isFutureDate('2026-12-05', '2026-12-04')).toBe(true);
		expect(isFutureDate('2026-12-04', '2026-12-04')).toBe(false);
		expect(isFutureDate('2026-12', '2026-12-04')).toBe(false);
		expect(isFutureDate('2027-01', '2026-12-04')).toBe(true);
		expect(isFutureDate('2026', '2026-12-04')).toBe(false);
		expect(isFutureDate('2027', '2026-12-04')).toBe(true);
	});

	it('verifies only a received report; rejects a received or a verified one', () => {
		expect(canMove('received', 'verified')).toBe(true);
		expect(canMove('verified', 'verified')).toBe(false);
		expect(canMove('rejected', 'verified')).toBe(false);
		expect(canMove('received', 'rejected')).toBe(true);
		expect(canMove('verified', 'rejected')).toBe(true);
		expect(canMove('rejected', 'rejected')).toBe(false);
	});
});
