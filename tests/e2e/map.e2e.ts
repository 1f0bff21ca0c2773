import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './browser';
import { useApp } from './harness';
import { colourCounts, decodePng, luminanceDeviation } from './png';

/**
 * The public map against the built app (global-setup.ts), in headless Chromium with software
 * WebGL. The page's test contract: data-testids on the map, legend, search, panel, language switch
 * and tooltip; `data-ready="true"` on the map once municipalities are drawn; and
 * `window.__resilienciaTest` (src/lib/map/test-hook.ts): `project(lon, lat)` for pixel positions,
 * and the count of boundary data handed to deck.gl with the fill's class key.
 */

/** Representative points (DANE MGN 2018 LONGITUD/LATITUD), inside each municipality. */
const MEDELLIN = { code: '05001', name: 'Medellín', department: 'Antioquia', lon: -75.5636, lat: 6.2518 };
const TUMACO = {
	code: '52835',
	name: 'San Andrés de Tumaco',
	department: 'Nariño',
	lon: -78.6139,
	lat: 1.6361
};
/** Open Pacific, west of the coast and inside the initial view. */
const PACIFIC = { lon: -79.8, lat: 4.6 };
const MAP_BACKGROUND = '#e9edf1';

const { openMap } = useApp();

/** Page coordinates of a longitude/latitude on the map. */
async function pointOnPage(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
	const box = await page.getByTestId('map').boundingBox();
	if (!box) throw new Error('The map has no layout box');
	const [x, y] = await page.evaluate(([lon, lat]) => window.__resilienciaTest!.project(lon, lat), [
		lon,
		lat
	] as const);
	return { x: box.x + x, y: box.y + y };
}

function searchParam(page: Page, name: string): string | null {
	return new URL(page.url()).searchParams.get(name);
}

async function expectPanel(
	page: Page,
	{ code, name, department }: { code: string; name: string; department: string }
) {
	const panel = page.getByTestId('municipality-panel');
	await panel.waitFor();
	await expect.poll(() => panel.getAttribute('data-code')).toBe(code);
	await expect.poll(() => panel.locator('h2').textContent()).toBe(name);
	await expect.poll(() => panel.textContent()).toContain(department);
}

describe('the public map', () => {
	it('draws the municipalities: a map that is not blank, in the right place', async () => {
		const { page, requests } = await openMap('/');
		expect(requests.some((url) => url.includes('/api/boundaries/municipalities'))).toBe(true);

		// Only the WebGL drawing counts: the legend and zoom buttons are HTML with colours of their own.
		// (Not the whole .maplibregl-control-container: deck.gl's canvas lives in it, as a control.)
		await page.addStyleTag({
			content: '[data-testid="legend"], .maplibregl-ctrl { visibility: hidden !important; }'
		});
		const image = decodePng(await saveScreenshot(page.getByTestId('map'), 'map'));
		const pixels = image.width * image.height;
		const counts = colourCounts(image);
		const significant = [...counts.values()].filter((n) => n >= pixels * 0.002).length;
		expect(image.width).toBeGreaterThan(600);
		expect((counts.get(MAP_BACKGROUND) ?? 0) / pixels).toBeLessThan(0.9);
		expect(significant).toBeGreaterThanOrEqual(5);
		expect(luminanceDeviation(image)).toBeGreaterThan(10);

		// Land is drawn where Medellín is, and nothing in the open sea.
		const box = (await page.getByTestId('map').boundingBox())!;
		const colourAt = async (lon: number, lat: number) => {
			const { x, y } = await pointOnPage(page, lon, lat);
			const i = (Math.round(y - box.y) * image.width + Math.round(x - box.x)) * 4;
			return `#${[0, 1, 2].map((k) => image.data[i + k]!.toString(16).padStart(2, '0')).join('')}`;
		};
		expect(await colourAt(PACIFIC.lon, PACIFIC.lat)).toBe(MAP_BACKGROUND);
		expect(await colourAt(MEDELLIN.lon, MEDELLIN.lat)).not.toBe(MAP_BACKGROUND);
	});

	it('shows the legend in Spanish with the DANE source line', async () => {
		const { page } = await openMap('/');
		const legend = page.getByTestId('legend');
		expect(await legend.locator('h2').textContent()).toBe('Densidad de población, 2018');
		const text = await legend.textContent();
		expect(text).toContain('habitantes por km²');
		expect(text).toContain('Fuente: DANE, MGN 2018 y CNPV 2018');
		// One entry per class, each with its bounds.
		const classes = await legend.locator('li').allTextContents();
		expect(classes.length).toBeGreaterThanOrEqual(3);
		expect(classes.filter((label) => /\d/.test(label)).length).toBeGreaterThanOrEqual(3);
	});

	it('names the municipality under the pointer in a tooltip', async () => {
		const { page } = await openMap('/');
		const { x, y } = await pointOnPage(page, MEDELLIN.lon, MEDELLIN.lat);
		await page.mouse.move(x, y);
		const tooltip = page.getByTestId('tooltip');
		await tooltip.waitFor();
		await expect.poll(() => tooltip.textContent()).toContain(MEDELLIN.name);
		expect(await tooltip.textContent()).toContain(MEDELLIN.department);
	});

	it('opens the panel of the municipality clicked on the map', async () => {
		const { page } = await openMap('/');
		expect(await page.getByTestId('municipality-panel').count()).toBe(0);
		const { x, y } = await pointOnPage(page, MEDELLIN.lon, MEDELLIN.lat);
		await page.mouse.click(x, y);
		await expectPanel(page, MEDELLIN);
		await expect.poll(() => searchParam(page, 'm')).toBe(MEDELLIN.code);
	});

	it('opens San Andrés de Tumaco from ?m=52835 and zooms to it', async () => {
		const { page } = await openMap(`/?m=${TUMACO.code}`);
		await expectPanel(page, TUMACO);
		// The whole country is ~45 px per degree at 1280×800; fitted to Tumaco, a degree is far wider.
		const pixelsPerDegree = async () => {
			const a = await pointOnPage(page, TUMACO.lon, TUMACO.lat);
			const b = await pointOnPage(page, TUMACO.lon + 1, TUMACO.lat);
			return b.x - a.x;
		};
		await expect.poll(pixelsPerDegree).toBeGreaterThan(150);
		const box = (await page.getByTestId('map').boundingBox())!;
		const tumaco = await pointOnPage(page, TUMACO.lon, TUMACO.lat);
		expect(tumaco.x).toBeGreaterThan(box.x);
		expect(tumaco.x).toBeLessThan(box.x + box.width);
		expect(tumaco.y).toBeGreaterThan(box.y);
		expect(tumaco.y).toBeLessThan(box.y + box.height);
	});

	it('finds Tumaco by typing "tumaco" and selects it with Enter, or Medellín with a click', async () => {
		const { page } = await openMap('/');
		const input = page.getByTestId('search-input');
		const options = page.getByTestId('search-results').getByRole('option');

		await input.fill('tumaco');
		await options.first().waitFor();
		expect(await options.allTextContents()).toEqual(
			expect.arrayContaining([expect.stringContaining(TUMACO.name)])
		);
		await input.press('Enter');
		await expectPanel(page, TUMACO);
		await expect.poll(() => searchParam(page, 'm')).toBe(TUMACO.code);

		await input.fill('medellin');
		await options.filter({ hasText: MEDELLIN.name }).first().click();
		await expectPanel(page, MEDELLIN);
		await expect.poll(() => searchParam(page, 'm')).toBe(MEDELLIN.code);
	});

	it('switches the interface to English and back', async () => {
		const { page } = await openMap('/');
		const html = page.locator('html');
		const legendTitle = page.getByTestId('legend').locator('h2');
		expect(await html.getAttribute('lang')).toBe('es');

		await page.getByTestId('lang-switch').click();
		await expect.poll(() => html.getAttribute('lang')).toBe('en');
		await expect.poll(() => legendTitle.textContent()).toBe('Population density, 2018');
		expect(await page.getByTestId('legend').textContent()).toContain('Source: DANE, MGN 2018 and CNPV 2018');
		expect(await page.getByTestId('search-input').getAttribute('placeholder')).toMatch(/^Search/);
		expect(searchParam(page, 'lang')).toBe('en');

		await page.getByTestId('lang-switch').click();
		await expect.poll(() => html.getAttribute('lang')).toBe('es');
		await expect.poll(() => legendTitle.textContent()).toBe('Densidad de población, 2018');
		expect(searchParam(page, 'lang')).toBeNull();
	});

	it('is usable from the keyboard: Tab reaches the search, Escape closes the panel', async () => {
		const { page } = await openMap(`/?m=${TUMACO.code}`);
		await expectPanel(page, TUMACO);

		const focusedTestId = () =>
			page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
		let presses = 0;
		while ((await focusedTestId()) !== 'search-input' && presses < 5) {
			await page.keyboard.press('Tab');
			presses += 1;
		}
		expect(await focusedTestId()).toBe('search-input');

		await page.keyboard.press('Escape');
		await page.getByTestId('municipality-panel').waitFor({ state: 'detached' });
		await expect.poll(() => searchParam(page, 'm')).toBeNull();
	});

	it('recolours without re-tessellating: a language switch and Play change colours, not boundaries', async () => {
		const { page } = await openMap('/?c=homicide&from=2019-01&to=2019-01');
		const legendTitle = page.getByTestId('legend').locator('h2');
		const hook = () =>
			page.evaluate(() => {
				const { boundaryDataChanges, classKey } = window.__resilienciaTest!;
				return { boundaryDataChanges, classKey };
			});
		await expect.poll(() => legendTitle.textContent()).toBe('Homicidio, 2019-01');
		// The figures have arrived: the legend has its classes, the map their colours (a palette).
		// A single month of homicides is mostly zeros (the Police registry's absence is 0, not "no
		// data"): a class or two and the withheld swatch, no "Sin datos".
		await expect.poll(() => page.getByTestId('legend').locator('li').count()).toBeGreaterThanOrEqual(2);
		expect(await page.getByTestId('legend-suppressed').count()).toBe(1);
		await expect.poll(async () => (await hook()).classKey).toMatch(/^#.*\|.*[0-9]/);
		const start = await hook();
		// The polygons, the municipal borders and the department outlines: each handed over once.
		expect(start.boundaryDataChanges).toBe(3);

		await page.getByTestId('lang-switch').click();
		await expect.poll(() => legendTitle.textContent()).toBe('Homicide, 2019-01');
		expect(await hook()).toEqual(start);

		const play = page.getByTestId('period-play');
		await play.click();
		await expect.poll(() => legendTitle.textContent()).toMatch(/^Homicide, 2019-(0[3-9]|1[0-2])$/);
		await play.click();
		await expect.poll(() => play.getAttribute('aria-pressed')).toBe('false');
		const played = await hook();
		expect(played.classKey).not.toBe(start.classKey);
		expect(played.boundaryDataChanges).toBe(start.boundaryDataChanges);
	});
});
