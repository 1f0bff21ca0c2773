import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { saveScreenshot } from './browser';
import { signIn, useApp } from './harness';
import { colourCounts, decodePng } from './png';

/**
 * The public prevention map (/publico) against the built app: the main map's MapLibre view
 * coloured by the prevention layer (src/lib/map/thematic/prevention.svelte.ts), a list of the
 * municipalities with dialogues from the public release, a filter by issue, and a link to each
 * municipality's page. The same public content for an anonymous visitor and a signed-in planner.
 * Expected municipalities come from GET /api/public/prevention (the dialogues e2e may add some).
 */

type Index = {
	release: number;
	issues: { id: string; municipalities: number }[];
	municipalities: { municipality: { code: string; name: string }; issues: { id: string }[] }[];
};

const MAP_BACKGROUND = '#e9edf1';
/** The prevention layer's palette (no commitments yet, then BuGn quarters), as in its class key. */
const PALETTE = '#9e9ac8,#b2e2e2,#66c2a4,#2ca25f,#006d2c';

const { open, openMap } = useApp();

async function index(page: Page): Promise<Index> {
	const res = await page.request.get('/api/public/prevention');
	expect(res.status()).toBe(200);
	return (await res.json()) as Index;
}

/** How many municipalities the map colours (class key: the palette, then one mark per code). */
async function colouredOnMap(page: Page): Promise<number> {
	const key = await page.evaluate(() => window.__resilienciaTest!.classKey);
	expect(key.startsWith(`${PALETTE}|`)).toBe(true);
	return [...key.slice(key.indexOf('|') + 1)].filter((mark) => mark !== '.').length;
}

const cardCodes = (page: Page) =>
	page
		.locator('[data-testid="prevention-card"]')
		.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-code')));

describe('the public prevention map', () => {
	it('draws the municipalities with dialogues, filters by an issue and opens one, without login', async () => {
		const { page } = await openMap('/publico');
		const published = await index(page);
		expect(published.municipalities.length).toBeGreaterThanOrEqual(10);

		// The map is drawn (not blank, several colours) and colours exactly the listed municipalities.
		await page.addStyleTag({
			content: '[data-testid="legend"], .maplibregl-ctrl { visibility: hidden !important; }'
		});
		const image = decodePng(await saveScreenshot(page.getByTestId('map'), 'public-map'));
		const pixels = image.width * image.height;
		const counts = colourCounts(image);
		expect((counts.get(MAP_BACKGROUND) ?? 0) / pixels).toBeLessThan(0.9);
		expect([...counts.values()].filter((n) => n >= pixels * 0.002).length).toBeGreaterThanOrEqual(3);
		await page.addStyleTag({ content: '[data-testid="legend"] { visibility: visible !important; }' });
		await expect.poll(() => colouredOnMap(page)).toBe(published.municipalities.length);
		expect(await cardCodes(page)).toEqual(published.municipalities.map((m) => m.municipality.code));

		// The legend names the release and the 1–10 rule.
		const legend = (await page.getByTestId('legend').textContent()) ?? '';
		expect(legend).toContain('Compromisos cumplidos');
		expect(legend).toContain(`Publicación pública n.º ${published.release}`);
		expect(legend).toContain('«1–10»');

		// Filter by an issue: the list, the map and the URL follow.
		const illicit = published.municipalities.filter((m) => m.issues.some((i) => i.id === 'illicit-crops'));
		expect(illicit.length).toBeGreaterThanOrEqual(3);
		expect(illicit.length).toBeLessThan(published.municipalities.length);
		await page.getByTestId('prevention-issue').selectOption('illicit-crops');
		await expect.poll(() => cardCodes(page)).toEqual(illicit.map((m) => m.municipality.code));
		await expect.poll(() => colouredOnMap(page)).toBe(illicit.length);
		expect(new URL(page.url()).searchParams.get('issue')).toBe('illicit-crops');
		for (const chosen of await page.locator('[data-testid="prevention-card"] li.chosen').allTextContents())
			expect(chosen).toBe('Cultivos ilícitos (coca)');
		await saveScreenshot(page, 'public-map-filtered');

		// "Ver en el mapa" outlines it; its name opens its page.
		const tumaco = page.locator('[data-testid="prevention-card"][data-code="52835"]');
		await tumaco.getByRole('button', { name: 'Ver en el mapa' }).click();
		await expect.poll(() => tumaco.getAttribute('aria-current')).toBe('true');
		expect(new URL(page.url()).searchParams.get('m')).toBe('52835');
		await tumaco.getByRole('link', { name: 'San Andrés de Tumaco' }).click();
		await page.waitForURL('**/publico/52835');
		await expect
			.poll(() => page.getByTestId('prevention-page').locator('h1').textContent())
			.toBe('San Andrés de Tumaco');
		expect(await page.getByTestId('prevention-issues').locator('li').allTextContents()).toContain(
			'Cultivos ilícitos (coca)'
		);
	});

	it('shows a signed-in planner the same public content, in English too', async () => {
		const anonymous = await openMap('/publico?lang=en');
		const publicList = await anonymous.page.getByTestId('public-municipalities').textContent();
		expect(publicList).toContain('Show on the map');

		const { page } = await open();
		await signIn(page, inject('planner'), '/');
		await page.goto('/publico?lang=en');
		await page.locator('[data-testid="map"][data-ready="true"]').waitFor({ timeout: 60_000 });
		expect(await page.getByTestId('public-municipalities').textContent()).toBe(publicList);
		const published = await index(page);
		expect(await colouredOnMap(page)).toBe(published.municipalities.length);
		expect(await page.getByTestId('legend').textContent()).toContain(
			`Public release no. ${published.release}`
		);
		expect(await page.getByTestId('prevention-rule').textContent()).toContain('"1–10"');

		// The server-rendered page is the same HTML list for both (no restricted field embedded).
		const html = async (p: Page) => (await (await p.request.get('/publico')).text()).replace(/\s+/g, ' ');
		const planners = await html(page);
		expect(planners).not.toMatch(/\b(summary|participants\w*|placeSensitive|place_sensitive)\b/);
		expect(planners.match(/data-testid="public-municipalities".*?<\/ol>/)?.[0]).toBe(
			(await html(anonymous.page)).match(/data-testid="public-municipalities".*?<\/ol>/)?.[0]
		);
	});
});
