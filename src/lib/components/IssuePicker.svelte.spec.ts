import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { translator } from '$lib/i18n';
import { PUBLIC_DICTIONARY } from '$lib/state/fake-api';
import { IssueLayer } from '$lib/state/issues.svelte';
import { PublicRules } from '$lib/state/public-rules';
import type { IssueChoice } from '$lib/state/view.svelte';
import IssuePicker from './IssuePicker.svelte';

/** The issue picker mounted on an issue layer filled by hand: what it offers and what it asks for. */

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	document.body.innerHTML = '';
	vi.useRealTimers();
});

function layerWith({ restricted = false } = {}) {
	const layer = new IssueLayer();
	layer.role = restricted ? 'planner' : null;
	layer.rules = restricted ? null : new PublicRules(PUBLIC_DICTIONARY);
	layer.extent = {
		from: '2019-01',
		to: '2019-12',
		categories: {
			homicide: { from: '2019-01', to: '2019-12' },
			'sexual-violence': { from: '2019-01', to: '2019-12' },
			'illicit-crops': { from: '2001-01', to: '2019-12' }
		},
		attributions: {},
		yearly: []
	};
	layer.status = 'ready';
	layer.period = { from: '2019-01', to: '2019-12', snapped: false, label: '2019' };
	return layer;
}

function open(choice: Partial<IssueChoice>, layer = layerWith()) {
	const props = $state({
		choice: {
			categories: [],
			from: null,
			to: null,
			measure: 'count',
			method: 'quantiles',
			...choice
		} as IssueChoice,
		layer,
		locale: 'es' as const,
		t: translator('es'),
		onchange: vi.fn((change: Partial<IssueChoice>) => {
			props.choice = { ...props.choice, ...change };
		}),
		ondensity: vi.fn()
	});
	mounted = mount(IssuePicker, { target: document.body, props });
	return props;
}

const checkbox = (label: string) =>
	[...document.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].find((input) =>
		input.closest('label')!.textContent!.includes(label)
	)!;

describe('IssuePicker', () => {
	it('offers only the categories with figures, and density while none is chosen', () => {
		open({}, layerWith({ restricted: true }));
		const labels = [...document.querySelectorAll('li label')].map((l) => l.textContent!.trim());
		// Each with the years its sources cover.
		expect(labels).toEqual([
			'Homicidio 2019',
			'Violencia sexual 2019 sensible',
			'Cultivos ilícitos (coca) 2001–2019'
		]);
		expect(document.querySelector<HTMLInputElement>('input[type=radio]')!.checked).toBe(true);
		// Measure, classes and period appear with a category.
		expect(document.querySelector('[data-testid="measure-select"]')).toBeNull();
	});

	it('names the categories no loaded source covers, with how a planner adds one', () => {
		open({}, layerWith({ restricted: true }));
		const note = document.querySelector('[data-testid="categories-without-source"]')!.textContent!;
		expect(note).toContain('Sin fuente cargada todavía');
		expect(note).toContain('Extorsión');
		expect(note).toContain('Violencia contra población LGBTIQ+');
		expect(note).not.toContain('Homicidio');
		expect(note).toContain('npm run import');
	});

	it('tells the public which categories have no source yet, without import instructions', () => {
		open({});
		const note = document.querySelector('[data-testid="categories-without-source"]')!.textContent!;
		expect(note).toContain('Sin fuente de datos todavía');
		expect(note).toContain('Microtráfico');
		expect(note).not.toContain('Cultivos ilícitos');
		expect(note).not.toContain('import');
	});

	it('asks for a category when one is ticked, and keeps hectares apart from counts of people', () => {
		const props = open({ measure: 'rate' }, layerWith({ restricted: true }));
		checkbox('Cultivos ilícitos').click();
		// Hectares have no rate per inhabitant: the measure falls back to the count.
		expect(props.onchange).toHaveBeenLastCalledWith({ categories: ['illicit-crops'], measure: 'count' });
		flushSync();
		expect(checkbox('Homicidio').disabled).toBe(true);
		expect(checkbox('Homicidio').closest('label')!.title).toBe(
			'No se puede sumar a las categorías elegidas (se mide en víctimas)'
		);
		const rate = document.querySelector<HTMLOptionElement>(
			'[data-testid="measure-select"] option[value="rate"]'
		)!;
		expect(rate.disabled).toBe(true);
	});

	it('offers the public one category or all non-sensitive ones together, and nothing else', () => {
		const props = open({});
		expect(document.querySelectorAll('input[type=checkbox]')).toHaveLength(0);
		const radios = [...document.querySelectorAll<HTMLInputElement>('li input[type=radio]')];
		const labels = radios.map((r) => r.closest('label')!.textContent!.trim());
		// The group first, then the categories with figures; all in one radio group with density.
		expect(labels).toEqual([
			'Todas las categorías no sensibles 2019',
			'Homicidio 2019',
			'Violencia sexual 2019 sensible',
			'Cultivos ilícitos (coca) 2001–2019'
		]);
		expect(new Set(radios.map((r) => r.name))).toEqual(new Set(['indicator-mode']));
		expect(document.querySelector('[data-testid="public-choices"]')!.textContent).toContain(
			'una categoría a la vez'
		);
		radios[0]!.click();
		const group = PUBLIC_DICTIONARY.categories.find((c) => c.id === 'all-non-sensitive')!;
		expect(props.onchange).toHaveBeenLastCalledWith({
			categories: 'members' in group ? group.members : [],
			measure: 'count'
		});
		flushSync();
		expect(radios[0]!.checked).toBe(true);
		// A sensitive category is published per department: no smoothed rate is offered with it.
		radios[2]!.click();
		flushSync();
		const smoothed = document.querySelector<HTMLOptionElement>(
			'[data-testid="measure-select"] option[value="smoothed_rate"]'
		)!;
		expect(smoothed.disabled).toBe(true);
	});

	it('plays month by month from the start of the period, and pauses', () => {
		vi.useFakeTimers();
		const props = open({ categories: ['homicide'] });
		const play = document.querySelector<HTMLButtonElement>('[data-testid="period-play"]')!;
		expect(play.textContent!.trim()).toBe('Reproducir mes a mes');
		play.click();
		flushSync();
		expect(props.onchange).toHaveBeenLastCalledWith({ from: '2019-01', to: '2019-01' });
		expect(play.getAttribute('aria-pressed')).toBe('true');
		expect(play.textContent!.trim()).toBe('Pausar');
		vi.advanceTimersByTime(900 * 2);
		expect(props.onchange).toHaveBeenLastCalledWith({ from: '2019-03', to: '2019-03' });
		play.click();
		flushSync();
		expect(play.textContent!.trim()).toBe('Reproducir mes a mes');
		const calls = props.onchange.mock.calls.length;
		vi.advanceTimersByTime(900 * 3);
		expect(props.onchange.mock.calls.length).toBe(calls);
	});

	it('plays quarters for the public’s sensitive categories, which it sees per quarter at most', () => {
		vi.useFakeTimers();
		const props = open({ categories: ['sexual-violence'] });
		document.querySelector<HTMLButtonElement>('[data-testid="period-play"]')!.click();
		expect(props.onchange).toHaveBeenLastCalledWith({ from: '2019-01', to: '2019-03' });
		vi.advanceTimersByTime(900);
		expect(props.onchange).toHaveBeenLastCalledWith({ from: '2019-04', to: '2019-06' });
	});

	it('chooses the period with month pickers in Spanish, bounded by the categories’ months', () => {
		const props = open({ categories: ['homicide'] });
		const from = document.querySelector<HTMLFieldSetElement>('[data-testid="period-from"]')!;
		expect(from.querySelector('legend')!.textContent).toBe('Desde');
		expect(from.dataset.value).toBe('2019-01');
		const month = document.querySelector<HTMLSelectElement>('[data-testid="period-from-month"]')!;
		expect(month.options[0]!.textContent).toBe('Enero');
		expect(
			[...document.querySelectorAll('[data-testid="period-to-year"] option')].map((o) => o.textContent)
		).toEqual(['2019']);
		month.value = '04';
		month.dispatchEvent(new Event('change', { bubbles: true }));
		expect(props.onchange).toHaveBeenLastCalledWith({ from: '2019-04' });
	});

	it('moves the whole window with the slider', () => {
		const layer = layerWith();
		layer.period = { from: '2019-01', to: '2019-03', snapped: false, label: '2019-01 – 2019-03' };
		const props = open({ categories: ['homicide'] }, layer);
		const slider = document.querySelector<HTMLInputElement>('input[type=range]')!;
		slider.value = String(Number(slider.max) - 1);
		slider.dispatchEvent(new Event('change', { bubbles: true }));
		expect(props.onchange).toHaveBeenLastCalledWith({ from: '2019-09', to: '2019-11' });
	});
});
