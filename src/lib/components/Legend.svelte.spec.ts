import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { LegendModel } from '$lib/map/thematic';
import Legend from './Legend.svelte';

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	document.body.innerHTML = '';
});

const HOMICIDE: LegendModel = {
	title: 'Homicidio, 2019',
	unit: { text: 'Número (víctimas)' },
	classes: [
		{ colour: '#ffffb2', label: '0 – 11' },
		{ colour: '#bd0026', label: '11 – 1.115' }
	],
	suppressed: 'Suprimido (1 a 10 casos)',
	noData: 'Sin datos',
	method: 'Clases por cuantiles',
	notes: ['Total: 12.656 víctimas'],
	sources: ['Fuente: Policía Nacional – DIJIN, SIEDCO']
};

describe('Legend', () => {
	it('shows a model: title, unit, one swatch per class, withheld and no data last, notes and sources', () => {
		const props = $state({ legend: HOMICIDE });
		mounted = mount(Legend, { target: document.body, props });
		const legend = document.querySelector('[data-testid="legend"]')!;
		expect(legend.querySelector('h2')!.textContent).toBe('Homicidio, 2019');
		expect(legend.querySelector('.unit')!.textContent).toBe('Número (víctimas)');
		const rows = [...legend.querySelectorAll('li')].map((li) => li.textContent!.trim());
		expect(rows).toEqual(['0 – 11', '11 – 1.115', 'Suprimido (1 a 10 casos)', 'Sin datos']);
		const swatches = [...legend.querySelectorAll<HTMLElement>('.swatch')].map((s) => s.style.backgroundColor);
		expect(swatches.slice(0, 2)).toEqual(['#ffffb2', '#bd0026']);
		expect(legend.querySelectorAll('[data-testid="legend-suppressed"]')).toHaveLength(1);
		expect([...legend.querySelectorAll('.note')].map((p) => p.textContent)).toEqual([
			'Clases por cuantiles',
			'Total: 12.656 víctimas'
		]);
		expect(legend.querySelector('.source')!.textContent).toBe('Fuente: Policía Nacional – DIJIN, SIEDCO');

		// A new model (another language, another month) replaces the texts in place.
		props.legend = { ...HOMICIDE, title: 'Homicide, 2019', suppressed: undefined };
		flushSync();
		expect(legend.querySelector('h2')!.textContent).toBe('Homicide, 2019');
		expect(legend.querySelectorAll('[data-testid="legend-suppressed"]')).toHaveLength(0);
	});

	it('spells the unit out beside its short form, and leaves the class list out until there are classes', () => {
		mounted = mount(Legend, {
			target: document.body,
			props: {
				legend: {
					title: 'Densidad de población, 2018',
					unit: { text: 'hab./km²', long: 'habitantes por km²' },
					classes: [],
					noData: 'Sin datos',
					method: 'Clases por cuantiles (7)',
					notes: [],
					sources: ['Fuente: DANE, MGN 2018 y CNPV 2018']
				}
			}
		});
		const legend = document.querySelector('[data-testid="legend"]')!;
		expect(legend.querySelector('.unit')!.textContent).toBe('habitantes por km² (hab./km²)');
		expect(legend.querySelector('.long')!.textContent).toBe('habitantes por km²');
		expect(legend.querySelector('ol')).toBeNull();
		expect(legend.querySelector('.note')).toBeNull();
		expect(legend.textContent).toContain('Fuente: DANE');
	});
});
