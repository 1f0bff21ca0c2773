import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeLevel, changeRule, surgeRule, threatRule } from './rules';

const repeat = (value: number, times: number) => Array.from({ length: times }, () => value);
const counts = (min: number, max: number) =>
	fc.array(fc.integer({ min: 0, max: 60 }), { minLength: min, maxLength: max });

describe('threat rule (month ≥ 2 × mean of the 12 previous, mean ≥ 1)', () => {
	it('needs 12 previous months', () => {
		expect(threatRule([])).toBeNull();
		expect(threatRule(repeat(3, 12))).toBeNull();
		expect(threatRule(repeat(3, 13))).not.toBeNull();
	});

	it('alerts at exactly twice a mean of exactly 1, not just below', () => {
		expect(threatRule([...repeat(1, 12), 2])).toEqual({
			rule: 'threat',
			current: 2,
			baseline: 1,
			threshold: 2,
			alert: true
		});
		expect(threatRule([...repeat(1, 12), 1.99])!.alert).toBe(false);
	});

	it('does not alert on a mean below 1 (0 → 2 is not a threat), whatever the month', () => {
		const result = threatRule([...repeat(1, 11), 0, 500])!;
		expect(result.baseline).toBeCloseTo(11 / 12, 12);
		expect(result.alert).toBe(false);
		expect(threatRule([...repeat(0, 12), 9])!.alert).toBe(false);
	});

	it('compares with the 12 months just before, not older ones', () => {
		// 1.5 a month in the last year; an old peak of 100 must not count.
		const result = threatRule([100, 100, ...repeat(1, 6), ...repeat(2, 6), 3])!;
		expect(result.baseline).toBe(1.5);
		expect(result.threshold).toBe(3);
		expect(result.alert).toBe(true);
	});

	it('property: alert ⇔ mean ≥ 1 and count ≥ 2 × mean; older months and order do not matter', () => {
		fc.assert(
			fc.property(counts(0, 24), counts(12, 12), fc.integer({ min: 0, max: 200 }), (older, year, current) => {
				const result = threatRule([...older, ...year, current])!;
				const mean = year.reduce((a, b) => a + b, 0) / 12;
				expect(result.baseline).toBeCloseTo(mean, 10);
				expect(result.alert).toBe(result.baseline >= 1 && current >= 2 * result.baseline);
				expect(threatRule([...year].reverse().concat(current))).toEqual(result);
			})
		);
	});

	it('property: a larger count never removes an alert', () => {
		fc.assert(
			fc.property(
				counts(12, 30),
				fc.integer({ min: 0, max: 100 }),
				fc.integer({ min: 1, max: 100 }),
				(history, current, extra) => {
					const low = threatRule([...history, current])!;
					const high = threatRule([...history, current + extra])!;
					if (low.alert) expect(high.alert).toBe(true);
					expect(high.baseline).toBe(low.baseline);
				}
			)
		);
	});
});

describe('surge rule (week ≥ 2 × mean of the 4 previous, mean ≥ 1)', () => {
	it('needs 4 previous weeks', () => {
		expect(surgeRule(repeat(1, 4))).toBeNull();
		expect(surgeRule(repeat(1, 5))).not.toBeNull();
	});

	it('alerts at exactly twice a mean of exactly 1, and only on the last 4 weeks', () => {
		expect(surgeRule([...repeat(1, 4), 2])).toEqual({
			rule: 'surge',
			current: 2,
			baseline: 1,
			threshold: 2,
			alert: true
		});
		expect(surgeRule([...repeat(1, 4), 1.999])!.alert).toBe(false);
		expect(surgeRule([50, 1, 0, 1, 1, 30])!.alert).toBe(false); // mean 0.75
		expect(surgeRule([50, 2, 2, 2, 2, 4])!.alert).toBe(true);
	});

	it('property: alert ⇔ mean ≥ 1 and count ≥ 2 × mean of the 4 previous', () => {
		fc.assert(
			fc.property(counts(0, 10), counts(4, 4), fc.integer({ min: 0, max: 200 }), (older, month, current) => {
				const result = surgeRule([...older, ...month, current])!;
				const mean = month.reduce((a, b) => a + b, 0) / 4;
				expect(result.baseline).toBe(mean);
				expect(result.threshold).toBe(2 * mean);
				expect(result.alert).toBe(mean >= 1 && current >= 2 * mean);
			})
		);
	});
});

describe('change level (ACLED Trendfinder)', () => {
	it('puts the 25 % and 10 % edges in the moderate band', () => {
		expect(changeLevel(10, 8)).toBe('moderate-increase'); // exactly +25 %
		expect(changeLevel(10.01, 8)).toBe('large-increase');
		expect(changeLevel(11, 10)).toBe('moderate-increase'); // exactly +10 %
		expect(changeLevel(10.99, 10)).toBe('no-change');
		expect(changeLevel(6, 8)).toBe('moderate-decrease'); // exactly −25 %
		expect(changeLevel(5.99, 8)).toBe('large-decrease');
		expect(changeLevel(9, 10)).toBe('moderate-decrease'); // exactly −10 %
		expect(changeLevel(9.01, 10)).toBe('no-change');
	});

	it('applies the low-baseline guard: mean ≤ 2 and count ≤ 5 is limited change', () => {
		expect(changeLevel(5, 2)).toBe('limited-change'); // +150 %, but small numbers
		expect(changeLevel(0, 2)).toBe('limited-change');
		expect(changeLevel(5, 0)).toBe('limited-change');
		expect(changeLevel(6, 2)).toBe('large-increase'); // count above 5
		expect(changeLevel(5, 2.25)).toBe('large-increase'); // mean above 2
		expect(changeLevel(0, 2.25)).toBe('large-decrease');
		expect(changeLevel(6, 0)).toBe('large-increase'); // from nothing: no percentage, large
	});

	it('changeRule uses the 4 or 12 previous periods and alerts on increases only', () => {
		expect(changeRule(repeat(8, 4), 4)).toBeNull();
		expect(changeRule(repeat(8, 12), 12)).toBeNull();
		const weekly = changeRule([99, 8, 8, 8, 8, 10], 4)!;
		expect(weekly).toEqual({
			rule: 'change',
			current: 10,
			baseline: 8,
			threshold: 8 * 1.1,
			alert: true,
			level: 'moderate-increase'
		});
		const monthly = changeRule([...repeat(10, 12), 5], 12)!;
		expect(monthly.level).toBe('large-decrease');
		expect(monthly.alert).toBe(false);
		expect(changeRule([...repeat(1, 12), 5], 12)).toMatchObject({ level: 'limited-change', alert: false });
	});

	it('property: outside the guard, the level follows the percentage change, and alert ⇔ increase', () => {
		fc.assert(
			fc.property(
				counts(4, 4),
				fc.integer({ min: 0, max: 200 }),
				fc.constantFrom(4 as const, 12 as const),
				counts(8, 8),
				(recent, current, previous, more) => {
					const history = previous === 4 ? recent : [...recent, ...more];
					const result = changeRule([...history, current], previous)!;
					const mean = history.reduce((a, b) => a + b, 0) / previous;
					expect(result.baseline).toBeCloseTo(mean, 10);
					const increase = result.level === 'large-increase' || result.level === 'moderate-increase';
					expect(result.alert).toBe(increase);
					if (result.baseline <= 2 && current <= 5) expect(result.level).toBe('limited-change');
					else if (result.baseline > 0) {
						const change = (current - result.baseline) / result.baseline;
						expect(increase).toBe(change >= 0.1);
						expect(result.level === 'large-increase').toBe(change > 0.25);
						expect(result.level === 'large-decrease').toBe(change < -0.25);
					} else expect(result.level).toBe('large-increase');
				}
			)
		);
	});
});
