import { describe, expect, it } from 'vitest';
import { departmentOf, parseDepartmentCode, parseMunicipalityCode } from './divipola';

describe('parseMunicipalityCode', () => {
	it('keeps a 5-digit code', () => {
		expect(parseMunicipalityCode('52835')).toBe('52835');
	});
	it('restores the leading zero that numeric sources drop', () => {
		expect(parseMunicipalityCode('5001')).toBe('05001');
		expect(parseMunicipalityCode(8001)).toBe('08001');
	});
	it('trims surrounding white space', () => {
		expect(parseMunicipalityCode(' 05120 ')).toBe('05120');
	});
	it.each(['abc', '', '123', '123456', '52 835', '5283a', '-5001', '00123', '1e4'])('rejects %j', (input) => {
		expect(parseMunicipalityCode(input)).toBeNull();
	});
});

describe('parseDepartmentCode', () => {
	it('pads one digit', () => {
		expect(parseDepartmentCode('5')).toBe('05');
		expect(parseDepartmentCode(52)).toBe('52');
	});
	it.each(['0', '00', 'ab', '123'])('rejects %j', (input) => {
		expect(parseDepartmentCode(input)).toBeNull();
	});
});

describe('departmentOf', () => {
	it('is the first two digits', () => {
		expect(departmentOf('05001')).toBe('05');
	});
});
