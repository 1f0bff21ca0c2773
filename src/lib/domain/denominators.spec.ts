import { describe, expect, it } from 'vitest';
import { monthIndex } from './monthly-cube';
import {
	denominatorNote,
	denominatorText,
	exposure,
	ratePerYear,
	type PopulationTable
} from './denominators';

const window = (from: string, to: string) => ({ first: monthIndex(from), last: monthIndex(to) });

// Municipality 0 exists throughout; municipality 1 was created in 2007 (DANE: 0 before).
const table: PopulationTable = {
	years: [2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010, 2017, 2018, 2024],
	byYear: new Map([
		[2003, [1000, 0]],
		[2004, [1000, 0]],
		[2005, [1000, 0]],
		[2006, [1000, 0]],
		[2007, [1000, 3000]],
		[2008, [1000, 4000]],
		[2009, [1000, 4000]],
		[2010, [1000, 5000]],
		[2017, [2000, 6000]],
		[2018, [3000, 6000]],
		[2024, [4000, 8000]]
	]),
	census: [999, 999]
};

describe('exposure and rates per year (hand-computed)', () => {
	it('a whole year: person-years equal that year’s population', () => {
		expect(exposure(table, 0, window('2024-01', '2024-12'))).toEqual({
			personYears: 4000,
			meanPopulation: 4000
		});
	});

	it('years before a municipality existed count for nothing, not as zeros', () => {
		// 2003–2010: only 2007–2010 exist: 3000 + 4000 + 4000 + 5000 = 16,000 person-years.
		const e = exposure(table, 1, window('2003-01', '2010-12'));
		expect(e.personYears).toBe(16_000);
		expect(e.meanPopulation).toBe(4000);
		// 64 events over those years: 64 / 16,000 × 100,000 = 400 per 100,000 per year (not 400 / 8 × 4 …).
		expect(ratePerYear(64, e.personYears)).toBe(400);
	});

	it('a multi-year rate is per year', () => {
		// 2003–2007 for municipality 0: 5 × 1000 person-years; 50 events → 1,000 per 100,000 per year.
		expect(ratePerYear(50, exposure(table, 0, window('2003-01', '2007-12')).personYears)).toBe(1000);
	});

	it('a part of a year is a part of its person-years', () => {
		// January–May 2024: 4000 × 5/12.
		expect(exposure(table, 0, window('2024-01', '2024-05')).personYears).toBeCloseTo((4000 * 5) / 12, 9);
	});

	it('a year after the last projection uses the last one, and says so', () => {
		expect(exposure(table, 0, window('2025-01', '2025-12')).personYears).toBe(4000);
		const note = denominatorNote(table, window('2024-07', '2026-06'));
		expect(note.substituted).toEqual([
			{ year: 2025, used: 2024 },
			{ year: 2026, used: 2024 }
		]);
		expect(denominatorText(note, 'es')).toBe(
			'2025–2026 con la proyección DANE de 2024 (la más cercana publicada)'
		);
	});

	it('a period across 2017–18 names both projection bases', () => {
		const note = denominatorNote(table, window('2017-01', '2018-12'));
		expect(note.bases).toEqual(['CNPV 2005', 'CNPV 2018']);
		expect(denominatorText(note, 'en')).toMatch(/2005 census .* 2018 census/);
		expect(denominatorNote(table, window('2019-01', '2019-12')).bases).toEqual(['CNPV 2018']);
	});

	it('without projections the 2018 census stands for every year', () => {
		const none: PopulationTable = { years: [], byYear: new Map(), census: [500, 0] };
		expect(exposure(none, 0, window('2010-01', '2011-12')).personYears).toBe(1000);
		expect(exposure(none, 1, window('2010-01', '2011-12'))).toEqual({ personYears: 0, meanPopulation: 0 });
		expect(ratePerYear(3, 0)).toBeNull();
		expect(denominatorNote(none, window('2010-01', '2010-12')).source).toBe('census-2018');
	});
});
