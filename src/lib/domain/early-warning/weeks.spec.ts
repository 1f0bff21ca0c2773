import { describe, expect, it } from 'vitest';
import { dayLabel, dayNumber, isoWeekLabel, mondayOf, weeksEndingIn } from './weeks';

describe('ISO weeks of a month', () => {
	it('numbers weeks by the year of their Thursday', () => {
		// 2024-12-30 is the Monday of 2025-W01; 2021-01-03 is the Sunday of 2020-W53.
		expect(isoWeekLabel(dayNumber('2024-12-30'))).toBe('2025-W01');
		expect(isoWeekLabel(mondayOf(dayNumber('2021-01-03')))).toBe('2020-W53');
		expect(isoWeekLabel(mondayOf(dayNumber('2024-05-15')))).toBe('2024-W20');
	});

	it('gives a month the weeks whose Sunday falls inside it', () => {
		const may = weeksEndingIn('2024-05');
		expect(may.map((w) => [w.label, dayLabel(w.monday), dayLabel(w.sunday)])).toEqual([
			['2024-W18', '2024-04-29', '2024-05-05'],
			['2024-W19', '2024-05-06', '2024-05-12'],
			['2024-W20', '2024-05-13', '2024-05-19'],
			['2024-W21', '2024-05-20', '2024-05-26']
		]);
		// June 2024 starts on a Saturday: its first Sunday is the 2nd, its last the 30th.
		expect(weeksEndingIn('2024-06').map((w) => dayLabel(w.sunday))).toEqual([
			'2024-06-02',
			'2024-06-09',
			'2024-06-16',
			'2024-06-23',
			'2024-06-30'
		]);
		// Every day of a year lies in exactly one month's weeks.
		const days = new Set<number>();
		for (let m = 1; m <= 12; m++)
			for (const w of weeksEndingIn(`2023-${String(m).padStart(2, '0')}`))
				for (let d = w.monday; d <= w.sunday; d++) days.add(d);
		expect(days.size % 7).toBe(0);
		expect(days.has(dayNumber('2023-06-15'))).toBe(true);
	});
});
