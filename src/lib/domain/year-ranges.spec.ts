import { describe, expect, it } from 'vitest';
import { yearRanges } from './year-ranges';

describe('yearRanges', () => {
	it('joins consecutive years and keeps single ones apart', () => {
		expect(yearRanges([1995, 1993, 1994, 1999, 2001, 2002])).toBe('1993–1995, 1999, 2001–2002');
		expect(yearRanges([2013])).toBe('2013');
		expect(yearRanges([2010, 2010, 2011])).toBe('2010–2011');
		expect(yearRanges([])).toBe('');
	});
});
