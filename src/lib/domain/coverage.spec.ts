import { describe, expect, it } from 'vitest';
import {
	alignedWindows,
	combineSources,
	coverageNote,
	describeRange,
	effectiveWindow,
	periodCoverage,
	SourceCoverage
} from './coverage';
import { monthIndex, monthLabel } from './monthly-cube';

const m = monthIndex;
const source = (input: Partial<SourceCoverage> & { from: string; to: string }) =>
	SourceCoverage.parse({ precision: 'day', absence: 'zero', ...input });
const labels = (r: { first: number; last: number } | null) => r && [monthLabel(r.first), monthLabel(r.last)];

const sexualViolence = combineSources([source({ from: '2010-01', to: '2025-05' })])!;
const coca = combineSources([source({ from: '2001-01', to: '2023-12', precision: 'year' })])!;

describe('coverage of a period', () => {
	it('a year covered January–May says so, in words', () => {
		const c = periodCoverage([sexualViolence], m('2025-01'), m('2025-12'));
		expect(labels(c.covered)).toEqual(['2025-01', '2025-05']);
		expect([c.coveredMonths, c.months, c.partial]).toEqual([5, 12, true]);
		expect(c.share).toBeCloseTo(5 / 12, 12);
		expect(coverageNote(c, 'es')).toBe('Cubre enero–mayo de 2025 (5 de 12 meses)');
		expect(coverageNote(c, 'en')).toBe('Covers January–May 2025 (5 of 12 months)');
	});

	it('a wholly covered period needs no note; an uncovered one says no data', () => {
		expect(coverageNote(periodCoverage([sexualViolence], m('2019-01'), m('2019-12')), 'es')).toBeNull();
		const none = periodCoverage([sexualViolence], m('2026-01'), m('2026-12'));
		expect(none.covered).toBeNull();
		expect(coverageNote(none, 'es')).toBe('Las fuentes no cubren 2026: sin datos');
	});

	it('a yearly source enters a window by whole years only, never as January', () => {
		// February 2022 – January 2023 holds no whole year of the coca census.
		expect(effectiveWindow([coca], m('2022-02'), m('2023-01'))).toBeNull();
		expect(labels(effectiveWindow([coca], m('2021-06'), m('2023-12')))).toEqual(['2022-01', '2023-12']);
	});

	it('several categories are summed over the months all of them cover', () => {
		const homicide = combineSources([source({ from: '2003-01', to: '2024-12' })])!;
		expect(labels(effectiveWindow([homicide, sexualViolence], m('2024-01'), m('2025-12')))).toEqual([
			'2024-01',
			'2024-12'
		]);
	});

	it('a department with its own months gets its own window', () => {
		const c = combineSources([
			source({ from: '2010-01', to: '2020-12', departments: { '91': { from: '2015-01', to: '2020-12' } } })
		])!;
		expect(labels(effectiveWindow([c], m('2012-01'), m('2016-12'), '91'))).toEqual(['2015-01', '2016-12']);
		expect(labels(effectiveWindow([c], m('2012-01'), m('2016-12'), '05'))).toEqual(['2012-01', '2016-12']);
	});

	it('sources of one category: the hull of their months, the coarsest precision, zero if any is a registry', () => {
		const c = combineSources([
			source({ from: '2016-01', to: '2019-12', absence: 'unknown' }),
			source({ from: '1996-01', to: '2012-12', precision: 'year' })
		])!;
		expect(labels(c.range)).toEqual(['1996-01', '2019-12']);
		expect([c.precision, c.absence]).toEqual(['year', 'zero']);
		expect(combineSources([])).toBeNull();
	});

	it('a comparison uses the same covered months of both periods', () => {
		const a = periodCoverage([sexualViolence], m('2025-01'), m('2025-12'));
		const b = periodCoverage([sexualViolence], m('2024-01'), m('2024-12'));
		const w = alignedWindows(a, b)!;
		expect([labels(w.a), labels(w.b)]).toEqual([
			['2025-01', '2025-05'],
			['2024-01', '2024-05']
		]);
		expect(alignedWindows(a, periodCoverage([sexualViolence], m('2024-01'), m('2024-06')))).toBeNull();
	});

	it('a gap in the middle of a source is never covered: a window keeps the latest stretch around it', () => {
		// The Police threats: 2010-01 – 2025-10 without 2021–2022 (lost workbooks).
		const threats = combineSources([
			source({ from: '2010-01', to: '2025-10', gaps: [{ from: '2021-01', to: '2022-12' }] })
		])!;
		expect(threats.gaps?.map(labels)).toEqual([['2021-01', '2022-12']]);
		expect(effectiveWindow([threats], m('2021-01'), m('2022-12'))).toBeNull();
		expect(effectiveWindow([threats], m('2022-03'), m('2022-03'))).toBeNull();
		expect(labels(effectiveWindow([threats], m('2020-01'), m('2023-12')))).toEqual(['2023-01', '2023-12']);
		expect(labels(effectiveWindow([threats], m('2020-01'), m('2021-06')))).toEqual(['2020-01', '2020-12']);
		expect(labels(effectiveWindow([threats], m('2022-07'), m('2023-03')))).toEqual(['2023-01', '2023-03']);
		expect(labels(effectiveWindow([threats], m('2019-01'), m('2019-12')))).toEqual(['2019-01', '2019-12']);
		const c = periodCoverage([threats], m('2020-01'), m('2023-12'));
		expect([c.coveredMonths, c.months, c.partial]).toEqual([12, 48, true]);
		expect(coverageNote(c, 'es')).toBe('Cubre 2023 (12 de 48 meses)');
		expect(coverageNote(periodCoverage([threats], m('2021-01'), m('2021-12')), 'en')).toBe(
			'The sources do not cover 2021: no data'
		);
		// Summed with another category, the gap applies to the sum; in a department too.
		const homicide = combineSources([source({ from: '2003-01', to: '2024-12' })])!;
		expect(labels(effectiveWindow([homicide, threats], m('2022-01'), m('2025-12')))).toEqual([
			'2023-01',
			'2024-12'
		]);
		expect(effectiveWindow([threats], m('2021-01'), m('2021-12'), '05')).toBeNull();
		// Comparing 2023 with 2022: 2022 is not covered, so there is nothing to compare.
		expect(
			alignedWindows(
				periodCoverage([threats], m('2023-01'), m('2023-12')),
				periodCoverage([threats], m('2022-01'), m('2022-12'))
			)
		).toBeNull();
	});

	it('with a yearly category, the stretch kept around a gap is made of whole years', () => {
		const yearly = combineSources([
			source({
				from: '2010-01',
				to: '2020-12',
				precision: 'year',
				gaps: [{ from: '2015-01', to: '2015-12' }]
			})
		])!;
		// 2016-01 – 2016-06 holds no whole year: the window falls back to the stretch before the gap.
		expect(labels(effectiveWindow([yearly], m('2013-01'), m('2016-06')))).toEqual(['2013-01', '2014-12']);
		expect(labels(effectiveWindow([yearly], m('2013-01'), m('2017-12')))).toEqual(['2016-01', '2017-12']);
		expect(effectiveWindow([yearly], m('2014-06'), m('2016-06'))).toBeNull();
	});

	it('the months between two sources of one category are a gap, not covered by the hull', () => {
		const c = combineSources([
			source({ from: '2016-01', to: '2019-12', absence: 'unknown' }),
			source({ from: '1996-01', to: '2012-12', precision: 'year' })
		])!;
		expect(c.gaps?.map(labels)).toEqual([['2013-01', '2015-12']]);
		expect(effectiveWindow([c], m('2014-01'), m('2014-12'))).toBeNull();
		// A gap one source has and another covers is covered.
		const filled = combineSources([
			source({ from: '2010-01', to: '2025-10', gaps: [{ from: '2021-01', to: '2022-12' }] }),
			source({ from: '2021-01', to: '2021-12' })
		])!;
		expect(filled.gaps?.map(labels)).toEqual([['2022-01', '2022-12']]);
		expect(combineSources([source({ from: '2010-01', to: '2020-12' })])!.gaps).toBeUndefined();
	});

	it('describes ranges across years', () => {
		expect(describeRange({ first: m('2019-03'), last: m('2020-02') }, 'es')).toBe(
			'marzo de 2019 – febrero de 2020'
		);
		expect(describeRange({ first: m('2003-01'), last: m('2010-12') }, 'en')).toBe('2003–2010');
		expect(describeRange({ first: m('2023-02'), last: m('2023-02') }, 'en')).toBe('February 2023');
	});

	it('refuses a coverage that is not one', () => {
		expect(
			SourceCoverage.safeParse({ from: '2020-13', to: '2021-01', precision: 'day', absence: 'zero' }).success
		).toBe(false);
		expect(
			SourceCoverage.safeParse({ from: '2021-01', to: '2020-01', precision: 'day', absence: 'zero' }).success
		).toBe(false);
		expect(
			SourceCoverage.safeParse({ from: '2020-01', to: '2021-01', precision: 'week', absence: 'zero' }).success
		).toBe(false);
		// A gap lies strictly inside the span (otherwise the span itself is shorter), and is a span.
		const withGap = (from: string, to: string) =>
			SourceCoverage.safeParse({
				from: '2010-01',
				to: '2025-10',
				precision: 'day',
				absence: 'zero',
				gaps: [{ from, to }]
			}).success;
		expect(withGap('2021-01', '2022-12')).toBe(true);
		expect(withGap('2010-01', '2012-12')).toBe(false);
		expect(withGap('2024-01', '2025-10')).toBe(false);
		expect(withGap('2022-12', '2021-01')).toBe(false);
	});
});
