import { describe, expect, it } from 'vitest';
import { Mapping } from './mapping';
import { createRowMapper, parseDate, parseNumber, type Resolvers } from './rows';

const resolvers: Resolvers = {
	code: (raw) =>
		['05001', '52835'].includes(raw.trim().padStart(5, '0').slice(0, 5))
			? raw.trim().padStart(5, '0').slice(0, 5)
			: null,
	names: (d, m) =>
		m.toLowerCase().includes('tumaco') ? { code: '52835' } : { error: 'unknown_municipality' },
	point: (lon) => (lon < -78 ? '52835' : lon < -75 ? '05001' : null),
	digest: (values) => values.join('/')
};

const mines = Mapping.parse({
	id: 'mines',
	source: 'cnmh',
	attribution: 'CNMH',
	category: { value: 'landmines' },
	municipality: { code: 'code', fromPoint: true },
	date: { year: 'y', month: 'm', day: 'd' },
	count: { column: 'victims' },
	reference: { columns: ['id'] },
	point: { lon: 'lon', lat: 'lat', precision: 'populated-centre' }
});
const header = ['id', 'code', 'y', 'm', 'd', 'victims', 'lon', 'lat'];
const row = (values: Partial<Record<string, string>>) =>
	toValues(header, {
		id: '1',
		code: '05001',
		y: '2019',
		m: '03',
		d: '07',
		victims: '2',
		lon: '-75.5',
		lat: '6.2',
		...values
	});
function toValues(columns: string[], record: Partial<Record<string, string>>): string[] {
	return columns.map((c) => record[c] ?? '');
}

describe('numbers and dates as sources write them', () => {
	it.each([
		['7,943.2', 'en', 7943.2],
		['19.333,9', 'es', 19333.9],
		['4.674', 'es', 4674],
		['- 0', 'en', 0],
		['12', 'plain', 12]
	] as const)('%s (%s) is %d', (text, format, value) => expect(parseNumber(text, format)).toBe(value));

	it('tells blank from wrong', () => {
		expect(parseNumber('  ', 'plain')).toBeNull();
		expect(parseNumber('12abc', 'plain')).toBeNaN();
	});

	it('parses and refuses dates', () => {
		expect(parseDate('04/02/2010', 'DD/MM/YYYY')).toEqual({
			date: '2010-02-04',
			month: '2010-02',
			precision: 'day'
		});
		expect(parseDate('2019', 'YYYY')).toEqual({ date: '2019', month: '2019-01', precision: 'year' });
		expect(parseDate('2019-02-29', 'YYYY-MM-DD')).toBe('2019-02-29 is not a real date');
		expect(parseDate('ayer', 'YYYY-MM-DD')).toBe('"ayer" is not a date in the format YYYY-MM-DD');
	});
});

describe('createRowMapper', () => {
	const map = createRowMapper(mines, header, resolvers);

	it('maps a row, lowering the date precision when the day or month is 00', () => {
		const result = map(row({}), 2);
		expect(result).toEqual({
			drafts: [
				expect.objectContaining({
					ref: 'mines:1',
					category: 'landmines',
					municipalityCode: '05001',
					date: '2019-03-07',
					datePrecision: 'day',
					count: 2,
					lon: -75.5,
					pointOutside: false
				})
			]
		});
		expect(map(row({ d: '00' }), 3)).toMatchObject({ drafts: [{ date: '2019-03', datePrecision: 'month' }] });
		expect(map(row({ m: '00', d: '00' }), 4)).toMatchObject({
			drafts: [{ date: '2019', datePrecision: 'year' }]
		});
	});

	it('flags a point outside the stated municipality without moving the report', () => {
		expect(map(row({ lon: '-78.6', lat: '1.6' }), 2)).toMatchObject({
			drafts: [{ municipalityCode: '05001', pointOutside: true }]
		});
	});

	it('locates the municipality from the point when the code is a department only', () => {
		expect(map(row({ code: '52000', lon: '-78.6', lat: '1.6' }), 2)).toMatchObject({
			drafts: [{ municipalityCode: '52835', pointOutside: false }]
		});
	});

	it('names every problem of a row with its column', () => {
		const result = map(row({ y: '0000', victims: 'many', lon: '0', lat: '0', code: '' }), 9);
		expect(result).toEqual({
			problems: [
				{ row: 9, column: 'lon', reason: 'longitude "0" is not a number inside Colombia (-82.5 to -66)' },
				{
					row: 9,
					column: 'code',
					reason: 'no municipality: the code, names and point are all missing or unknown'
				},
				{ row: 9, column: 'y', reason: 'year 0 is not between 1900 and 2100' },
				{ row: 9, column: 'victims', reason: '"many" is not a non-negative number' }
			]
		});
	});

	it('drops category values the mapping sends to null, and rejects unlisted ones', () => {
		const byOffence = Mapping.parse({
			...mines,
			category: { column: 'offence', values: { 'ART 209': 'sexual-violence', 'ART 999': null } }
		});
		const mapOffence = createRowMapper(byOffence, [...header, 'offence'], resolvers);
		expect(mapOffence([...row({}), 'ART 209'], 2)).toMatchObject({
			drafts: [{ category: 'sexual-violence' }]
		});
		expect(mapOffence([...row({}), 'ART 999'], 2)).toEqual({ drafts: [] });
		expect(mapOffence([...row({}), 'ART 1'], 2)).toMatchObject({
			problems: [{ column: 'offence' }]
		});
	});

	it('reads a blank count as zero only when the mapping says so (and skipZero then stores nothing)', () => {
		const panel = (blank: boolean) =>
			Mapping.parse({
				id: 'panel',
				source: 'cede',
				attribution: 'CEDE',
				category: { value: 'land-dispossession' },
				municipality: { code: 'code' },
				date: { column: 'y', format: 'YYYY' },
				count: blank ? { column: 'n', blank: 'zero' } : { column: 'n' },
				skipZero: true,
				reference: { columns: ['code', 'y'] }
			});
		const columns = ['code', 'y', 'n'];
		const lenient = createRowMapper(panel(true), columns, resolvers);
		expect(lenient(['52835', '2012', ''], 2)).toEqual({ drafts: [] });
		expect(lenient(['52835', '2012', '3'], 3)).toMatchObject({ drafts: [{ count: 3, date: '2012' }] });
		// A wrong value is still wrong, blank or not.
		expect(lenient(['52835', '2012', 'n/a'], 4)).toMatchObject({ problems: [{ row: 4, column: 'n' }] });
		const strict = createRowMapper(panel(false), columns, resolvers);
		expect(strict(['52835', '2012', ''], 5)).toEqual({
			problems: [{ row: 5, column: 'n', reason: '"" is not a non-negative number' }]
		});
		expect(Mapping.safeParse({ ...panel(true), count: { column: 'n', blank: 'null' } }).success).toBe(false);
	});
});

describe('mapping validation', () => {
	it('names what is wrong in a mapping file', () => {
		const result = Mapping.safeParse({
			id: 'Bad Id',
			source: 'x',
			attribution: 'y',
			category: { value: 'theft' }
		});
		expect(result.success).toBe(false);
		const paths = result.error!.issues.map((i) => i.path.join('.'));
		expect(paths).toEqual(expect.arrayContaining(['id', 'category', 'municipality', 'reference']));
	});
});
