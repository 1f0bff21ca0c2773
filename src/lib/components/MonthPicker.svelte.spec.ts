import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Locale } from '$lib/i18n';
import MonthPicker from './MonthPicker.svelte';

/** The month picker: names in the page's language, bounds, what it reports and how it is named. */

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	document.body.innerHTML = '';
});

function open(props: { value: string | null; min?: string; max?: string; locale?: Locale; label?: string }) {
	const state = $state({
		locale: 'es' as Locale,
		label: 'Hasta',
		testid: 'period-to',
		...props,
		onchange: vi.fn((value: string) => {
			state.value = value;
		})
	});
	mounted = mount(MonthPicker, { target: document.body, props: state });
	return state;
}

const monthSelect = () => document.querySelector<HTMLSelectElement>('[data-testid="period-to-month"]')!;
const yearSelect = () => document.querySelector<HTMLSelectElement>('[data-testid="period-to-year"]')!;
const texts = (select: HTMLSelectElement) => [...select.options].map((o) => o.textContent!.trim());
const enabled = (select: HTMLSelectElement) =>
	[...select.options].filter((o) => !o.disabled).map((o) => o.value);

function pick(select: HTMLSelectElement, value: string) {
	select.value = value;
	select.dispatchEvent(new Event('change', { bubbles: true }));
	flushSync();
}

describe('MonthPicker', () => {
	it('names the months in Spanish on the Spanish page, capitalised as an option starts', () => {
		open({ value: '2019-01', min: '2019-01', max: '2023-12' });
		expect(texts(monthSelect())).toEqual([
			'Enero',
			'Febrero',
			'Marzo',
			'Abril',
			'Mayo',
			'Junio',
			'Julio',
			'Agosto',
			'Septiembre',
			'Octubre',
			'Noviembre',
			'Diciembre'
		]);
		expect(monthSelect().selectedOptions[0]!.textContent).toBe('Enero');
		expect(yearSelect().value).toBe('2019');
		// Years are written without a thousands separator (not "2.019").
		expect(texts(yearSelect())).toEqual(['2019', '2020', '2021', '2022', '2023']);
		expect(monthSelect().getAttribute('aria-label')).toBe('Mes');
		expect(yearSelect().getAttribute('aria-label')).toBe('Año');
	});

	it('names them in English on the English page, and follows a switch of language', () => {
		const state = open({ value: '2019-01', min: '2019-01', max: '2019-12', locale: 'en', label: 'To' });
		expect(texts(monthSelect()).slice(0, 3)).toEqual(['January', 'February', 'March']);
		expect(monthSelect().getAttribute('aria-label')).toBe('Month');
		expect(yearSelect().getAttribute('aria-label')).toBe('Year');
		state.locale = 'es';
		flushSync();
		expect(texts(monthSelect()).slice(0, 3)).toEqual(['Enero', 'Febrero', 'Marzo']);
	});

	it('is a group named by its label, holding the value', () => {
		open({ value: '2021-06', min: '2019-01', max: '2023-12', label: 'Desde' });
		const group = document.querySelector<HTMLFieldSetElement>('[data-testid="period-to"]')!;
		expect(group.tagName).toBe('FIELDSET');
		expect(group.querySelector('legend')!.textContent).toBe('Desde');
		expect(group.dataset.value).toBe('2021-06');
		expect(group.querySelectorAll('select')).toHaveLength(2);
		expect(monthSelect().value).toBe('06');
		expect(yearSelect().value).toBe('2021');
	});

	it('reports the month chosen as YYYY-MM', () => {
		const state = open({ value: '2021-06', min: '2019-01', max: '2023-12' });
		pick(monthSelect(), '09');
		expect(state.onchange).toHaveBeenLastCalledWith('2021-09');
		pick(yearSelect(), '2020');
		expect(state.onchange).toHaveBeenLastCalledWith('2020-09');
		expect(monthSelect().value).toBe('09');
		expect(yearSelect().value).toBe('2020');
	});

	it('offers no month after the maximum, and clamps the month when the year moves to the last', () => {
		const state = open({ value: '2022-11', min: '2019-03', max: '2023-06' });
		// In 2022 every month is open; in 2023 only January to June.
		expect(enabled(monthSelect())).toHaveLength(12);
		expect(texts(yearSelect())).toEqual(['2019', '2020', '2021', '2022', '2023']);
		pick(yearSelect(), '2023');
		expect(state.onchange).toHaveBeenLastCalledWith('2023-06');
		expect(monthSelect().value).toBe('06');
		expect(enabled(monthSelect())).toEqual(['01', '02', '03', '04', '05', '06']);
		expect(monthSelect().querySelector<HTMLOptionElement>('option[value="07"]')!.disabled).toBe(true);
		// And before the minimum, in the first year.
		pick(monthSelect(), '01');
		pick(yearSelect(), '2019');
		expect(state.onchange).toHaveBeenLastCalledWith('2019-03');
		expect(enabled(monthSelect())[0]).toBe('03');
	});

	it('waits for a value with an empty choice, and fills the other half from the last month', () => {
		const state = open({ value: null, min: '2019-01', max: '2023-06' });
		expect(monthSelect().value).toBe('');
		expect(yearSelect().value).toBe('');
		pick(yearSelect(), '2020');
		expect(state.onchange).toHaveBeenLastCalledWith('2020-06');
	});

	it('ends ten years back from the maximum when there is no minimum', () => {
		open({ value: '2023-12', max: '2024-02' });
		expect(texts(yearSelect())).toEqual(Array.from({ length: 11 }, (_, i) => String(2014 + i)));
	});
});
