import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISCLOSURE } from '../../config/disclosure';
import { cellKeyOf, createPTable, KEY_SPACE, noiseOf, publishCount, SMALL } from './ptable';

const table = createPTable();
const D = DISCLOSURE.perturbation.maxAbs;
const keys = Array.from({ length: KEY_SPACE }, (_, k) => k);

describe('the perturbation table (cell-key method)', () => {
	it('publishes zero as zero and never a count from 1 to 10', () => {
		expect(publishCount(table, 0, 17)).toBe(0);
		for (let n = 1; n <= 10; n++) for (const k of keys) expect(publishCount(table, n, k)).toBe(SMALL);
	});

	it('keeps every other count within ±D of the truth and never below 11', () => {
		for (let n = 11; n <= 200; n++) {
			for (const k of keys) {
				const published = publishCount(table, n, k);
				expect(published).toBeGreaterThanOrEqual(11);
				expect(Math.abs(published - n)).toBeLessThanOrEqual(D);
			}
		}
	});

	it('is deterministic: the same count and key always give the same value', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 255 }), (n, k) => {
				expect(publishCount(createPTable(), n, k)).toBe(publishCount(table, n, k));
			})
		);
	});

	it('has mean noise zero for every count (no count biased up or down) and uses the whole range', () => {
		for (let n = 11; n <= 11 + D + 3; n++) {
			const noise = keys.map((k) => noiseOf(table, n, k));
			const mean = noise.reduce((s, v) => s + v, 0) / KEY_SPACE;
			expect(Math.abs(mean)).toBeLessThan(0.05);
		}
		const large = keys.map((k) => noiseOf(table, 1000, k));
		expect(Math.min(...large)).toBe(-D);
		expect(Math.max(...large)).toBe(D);
		// Triangular weights D + 1 − |v|: 0 is the most likely value, ±D the least.
		const share = (v: number) => large.filter((x) => x === v).length / KEY_SPACE;
		expect(share(0)).toBeGreaterThan(share(3));
		expect(share(3)).toBeGreaterThan(share(D));
		// 11 has nothing below it to balance a positive noise: it is published as it is.
		expect(new Set(keys.map((k) => publishCount(table, 11, k)))).toEqual(new Set([11]));
	});

	it('adds keys modulo 256, so that a total’s key follows from its records', () => {
		expect(cellKeyOf([200, 100])).toBe(44);
		expect(cellKeyOf([])).toBe(0);
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 0, max: 255 })),
				fc.array(fc.integer({ min: 0, max: 255 })),
				(a, b) => {
					expect(cellKeyOf([cellKeyOf(a), cellKeyOf(b)])).toBe(cellKeyOf([...a, ...b]));
				}
			)
		);
	});

	it('follows the configured range and D, and refuses nonsense', () => {
		const wide = createPTable({ ...DISCLOSURE, smallCell: { min: 1, max: 20 }, perturbation: { maxAbs: 2 } });
		expect(publishCount(wide, 20, 3)).toBe(SMALL);
		for (const k of keys) expect(Math.abs(publishCount(wide, 500, k) - 500)).toBeLessThanOrEqual(2);
		const none = createPTable({ ...DISCLOSURE, perturbation: { maxAbs: 0 } });
		expect(publishCount(none, 57, 200)).toBe(57);
		expect(() => createPTable({ ...DISCLOSURE, perturbation: { maxAbs: -1 } })).toThrow();
		expect(() => createPTable({ ...DISCLOSURE, smallCell: { min: 0, max: 10 } })).toThrow();
	});
});
