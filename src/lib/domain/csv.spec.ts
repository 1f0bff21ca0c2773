import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv';

describe('CSV export', () => {
	it('quotes separators and quotes, and neutralises formulas', () => {
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
		expect(csvField('+1')).toBe("'+1");
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField(-3)).toBe('-3');
		expect(csvField(null)).toBe('');
		expect(csvLine(['x', 1, null])).toBe('x,1,\r\n');
	});
});
