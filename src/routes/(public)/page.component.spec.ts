import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MapLayerInput } from '$lib/map/layers';
import { stub } from '$lib/map/MapViewStub.svelte';
import { fakeApi, homicides } from '$lib/state/fake-api';

/**
 * The public map page, mounted whole with the map stubbed (no WebGL; $lib/map/MapViewStub.svelte)
 * against a fake API: it composes the layers, and a language switch or a play tick hands the map
 * new colours over the very same boundary arrays.
 */

vi.mock('$lib/map/MapView.svelte', () => import('$lib/map/MapViewStub.svelte'));
const url = { current: new URL('http://localhost/') };
vi.mock('$app/state', () => ({
	page: {
		get url() {
			return url.current;
		}
	}
}));
vi.mock('$app/navigation', () => ({
	afterNavigate: vi.fn(),
	invalidateAll: vi.fn(() => Promise.resolve()),
	replaceState: vi.fn()
}));
const { default: Page } = await import('./+page.svelte');

let mounted: Record<string, unknown> | null = null;
beforeEach(() => {
	vi.stubGlobal('fetch', fakeApi().fetch);
	stub.reset();
});
afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	document.body.innerHTML = '';
	vi.unstubAllGlobals();
	vi.useRealTimers();
});

function open(search: string) {
	url.current = new URL(`http://localhost/${search}`);
	mounted = mount(Page, {
		target: document.body,
		props: {
			data: { basemapStyleUrl: null, boundariesVersions: { municipalities: null, departments: null } },
			params: {}
		} as never
	});
}

const drawn = () => stub.inputs.filter((input): input is MapLayerInput => input !== null);
const legendTitle = () => document.querySelector('[data-testid="legend"] h2')?.textContent;
async function until(check: () => void) {
	await vi.waitFor(() => {
		flushSync();
		check();
	});
}

describe('the public map page', () => {
	it('recolours the same boundaries on a language switch and on each tick of Play', async () => {
		open('?c=homicide&from=2019-01&to=2019-01');
		await until(() => expect(legendTitle()).toBe('Homicidio, 2019-01'));
		const first = drawn().at(-1)!;
		const boundaries = first.municipalities;
		expect(boundaries).toHaveLength(4);

		// The tooltip asks the issue layer.
		stub.hover({ feature: boundaries[0]!, x: 10, y: 10 });
		flushSync();
		expect(document.querySelector('[data-testid="tooltip"]')!.textContent).toContain(
			`${homicides('2019-01')['05001']} víctimas`
		);

		const inputs = stub.inputs.length;
		document.querySelector<HTMLButtonElement>('[data-testid="lang-switch"]')!.click();
		await until(() => expect(legendTitle()).toBe('Homicide, 2019-01'));
		expect(document.querySelector('[data-testid="tooltip"]')!.textContent).toContain('victims');
		// Nothing the map draws depends on the language: it was not even handed a new input.
		expect(stub.inputs.length).toBe(inputs);

		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		document.querySelector<HTMLButtonElement>('[data-testid="period-play"]')!.click();
		vi.advanceTimersByTime(900);
		await until(() => expect(legendTitle()).toBe('Homicide, 2019-02'));
		await until(() => expect(drawn().at(-1)!.fill.classKey).not.toBe(first.fill.classKey));
		vi.advanceTimersByTime(900);
		await until(() => expect(legendTitle()).toBe('Homicide, 2019-03'));

		// Every input the map was given, from the first draw to the last tick: the same polygons.
		for (const input of drawn()) {
			expect(input.municipalities).toBe(boundaries);
			expect(input.municipalityBorders).toBe(first.municipalityBorders);
			expect(input.departmentLines).toBe(first.departmentLines);
		}
		expect(new Set(drawn().map((input) => input.fill.classKey)).size).toBeGreaterThan(1);
	});

	it('opens the panel of a municipality clicked on the map, and Escape closes it', async () => {
		open('');
		await until(() => expect(drawn().length).toBeGreaterThan(0));
		stub.select('05001');
		await until(() =>
			expect(document.querySelector('[data-testid="municipality-panel"]')?.getAttribute('data-code')).toBe(
				'05001'
			)
		);
		expect(drawn().at(-1)!.selectedCode).toBe('05001');
		const panel = document.querySelector('[data-testid="municipality-panel"]')!;
		await until(() => expect(panel.querySelector('dl')?.textContent).toContain('2.372.330'));
		expect(panel.querySelector('h2')!.textContent!.trim()).toBe('Medellín');
		expect(panel.textContent).toContain('Abejorral');
		window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
		await until(() => expect(document.querySelector('[data-testid="municipality-panel"]')).toBeNull());
	});
});
