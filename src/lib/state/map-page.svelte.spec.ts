import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, homicides } from './fake-api';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { MapPageState } = await import('./map-page.svelte');

/**
 * The public map's composed state against a fake API: one thematic layer at a time, and the
 * map's input keeping the very same boundary arrays whatever changes (language, layer, period),
 * so deck.gl only ever recolours them.
 */

let stop: (() => void) | null = null;
beforeEach(() => {
	vi.stubGlobal('fetch', fakeApi().fetch);
});
afterEach(() => {
	stop?.();
	stop = null;
	vi.unstubAllGlobals();
});

async function openPage(search = '') {
	const mapPage = new MapPageState(new URL(`http://localhost/${search}`), () => ({
		municipalities: null,
		departments: null
	}));
	stop = $effect.root(() => mapPage.connect());
	mapPage.start();
	await vi.waitFor(() => expect(mapPage.atlas.status).toBe('ready'));
	return mapPage;
}

/** Waits until the map's input has changed from `before` and settled, and returns it. */
async function settled<T>(read: () => T, ready: (value: T) => boolean): Promise<T> {
	await vi.waitFor(() => {
		flushSync();
		expect(ready(read())).toBe(true);
	});
	return read();
}

describe('the map page state', () => {
	it('starts on the density layer, and a language switch changes the texts, not the map input', async () => {
		const mapPage = await openPage();
		expect(mapPage.thematic).toBe(mapPage.density);
		const layers = mapPage.layers!;
		expect(layers.municipalities).toBe(mapPage.atlas.features);
		expect(layers.municipalities).toHaveLength(4);
		expect(mapPage.thematic.legend!.title).toBe('Densidad de población, 2018');

		mapPage.view.setLocale('en');
		flushSync();
		expect(mapPage.thematic.legend!.title).toBe('Population density, 2018');
		// Not even rebuilt: nothing the map draws depends on the language.
		expect(mapPage.layers).toBe(layers);
	});

	it('switches to the issue layer for a category, and each month recolours the same polygons', async () => {
		const mapPage = await openPage('?c=homicide&from=2019-01&to=2019-01');
		const first = await settled(
			() => mapPage.layers!,
			() => mapPage.issueMode && mapPage.issues.status === 'ready'
		);
		expect(mapPage.thematic).toBe(mapPage.issueMap);
		expect(first.municipalities).toBe(mapPage.atlas.features);
		expect(mapPage.thematic.legend!.title).toBe('Homicidio, 2019-01');
		const counts = homicides('2019-01');
		expect(mapPage.thematic.tooltip('05001')).toEqual([`${counts['05001']} víctimas`]);

		// A tick of the play button: the next month.
		mapPage.view.setIssues({ from: '2019-02', to: '2019-02' });
		const second = await settled(
			() => mapPage.layers!,
			(layers) => layers.fill.classKey !== first.fill.classKey && mapPage.issues.status === 'ready'
		);
		expect(mapPage.thematic.legend!.title).toBe('Homicidio, 2019-02');
		expect(second.municipalities).toBe(first.municipalities);
		expect(second.municipalityBorders).toBe(first.municipalityBorders);
		expect(second.departmentLines).toBe(first.departmentLines);

		mapPage.view.setLocale('en');
		flushSync();
		expect(mapPage.layers).toBe(second);
		expect(mapPage.thematic.legend!.title).toBe('Homicide, 2019-02');
	});

	it('shows the trust layer instead when a trust indicator is chosen, and density when both are off', async () => {
		const mapPage = await openPage('?c=homicide');
		await settled(
			() => mapPage.thematic,
			(layer) => layer === mapPage.issueMap
		);
		mapPage.view.setTrust({ target: 'index' });
		await settled(
			() => mapPage.thematic,
			(layer) => layer === mapPage.trustMap && mapPage.trust.status === 'ready'
		);
		expect(mapPage.view.issues.categories).toEqual([]);
		expect(mapPage.thematic.classOf('05001')).toBe(1);
		expect(mapPage.thematic.classOf('52835')).toBe('no-data');
		mapPage.view.setTrust({ target: null });
		await settled(
			() => mapPage.thematic,
			(layer) => layer === mapPage.density
		);
		expect(mapPage.layers!.municipalities).toBe(mapPage.atlas.features);
	});

	it('loads the selected municipality’s facts when one is selected', async () => {
		const mapPage = await openPage();
		const load = vi.spyOn(mapPage.facts, 'load');
		mapPage.view.select('05001');
		flushSync();
		expect(load).toHaveBeenCalledWith('05001');
	});
});
