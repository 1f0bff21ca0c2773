import { describe, expect, inject, it } from 'vitest';
import reference from '../spdep/homicide-2019.expected.json';
import type { SpatialResult } from '../../src/lib/schemas/analysis';
import { saveScreenshot } from './browser';
import { signIn, useApp } from './harness';

/**
 * Setting priorities on the real data of `npm start` (../shared): the spatial statistics against
 * R spdep, the planners' index in the browser, and a provider's patrol cells.
 */

const { open } = useApp();

type SpatialAnswer = SpatialResult;

/** 1e-9, relative for values above 1 (sums over 1,122 municipalities). */
function expectClose(actual: number | null, expected: number | null, what: string) {
	if (expected === null) {
		expect(actual, what).toBeNull();
		return;
	}
	expect(actual, what).not.toBeNull();
	expect(Math.abs(actual! - expected), `${what}: ${actual} vs spdep ${expected}`).toBeLessThanOrEqual(
		1e-9 * Math.max(1, Math.abs(expected))
	);
}

describe('Local Moran and Gi* on homicide rates in 2019', () => {
	it('equal R spdep’s localmoran and localG (tests/spdep) to 1e-9', async () => {
		const { page } = await open();
		await signIn(page, inject('planner'), '/prioridades');
		const query = 'category=homicide&from=2019-01&to=2019-12&measure=rate';
		const [moran, g] = (await Promise.all(
			['local-moran', 'getis-ord'].map(async (route) => {
				const response = await page.request.get(`/api/analysis/${route}?${query}`);
				expect(response.status()).toBe(200);
				return response.json();
			})
		)) as [SpatialAnswer, SpatialAnswer];

		expect(moran.values).toHaveLength(1122);
		expect(moran.analysed).toBe(reference.analysed);
		const analysed = (answer: SpatialAnswer) => answer.values.filter((v) => v.cluster !== 'no-data');
		const sum = (answer: SpatialAnswer, pick: (v: SpatialAnswer['values'][number]) => number | null) =>
			analysed(answer).reduce((total, v) => total + (pick(v) ?? 0), 0);
		expectClose(
			sum(moran, (v) => v.statistic),
			reference.sums.Ii,
			'Σ Ii'
		);
		expectClose(
			sum(moran, (v) => Math.abs(v.statistic!)),
			reference.sums.absIi,
			'Σ |Ii|'
		);
		expectClose(
			sum(moran, (v) => v.z),
			reference.sums.Z,
			'Σ Z.Ii'
		);
		expectClose(
			sum(g, (v) => v.statistic),
			reference.sums.G,
			'Σ G*i'
		);
		expectClose(
			sum(g, (v) => v.z),
			reference.sums.ZG,
			'Σ localG'
		);
		expectClose(
			sum(g, (v) => Math.abs(v.z!)),
			reference.sums.absZG,
			'Σ |localG|'
		);

		const moranByCode = new Map(moran.values.map((v) => [v.code, v]));
		const gByCode = new Map(g.values.map((v) => [v.code, v]));
		for (const r of reference.sample) {
			expectClose(moranByCode.get(r.code)!.statistic, r.Ii, `Ii ${r.code}`);
			expectClose(moranByCode.get(r.code)!.z, r.Z, `Z.Ii ${r.code}`);
			expectClose(gByCode.get(r.code)!.statistic, r.G, `G*i ${r.code}`);
			expectClose(gByCode.get(r.code)!.z, r.ZG, `localG ${r.code}`);
		}
		// Every significant cluster sits in the quadrant spdep gives (its "pysal" quadrants).
		const quadrant = (label: string) => label.toLowerCase();
		for (const r of reference.sample) {
			const v = moranByCode.get(r.code)!;
			if (v.cluster !== 'not-significant' && v.cluster !== 'no-neighbours')
				expect(v.cluster).toBe(quadrant(r.quadrant));
		}
	});
});

describe('the priorities page', () => {
	it('re-ranks within two frames when a planner moves a weight, and the breakdown adds up to the score', async () => {
		const { page } = await open();
		await signIn(page, inject('planner'), '/prioridades');
		const firstRows = () =>
			page
				.locator('[data-testid=ranking] tbody tr td:nth-child(2)')
				.evaluateAll((cells) => cells.slice(0, 10).map((c) => c.textContent?.trim()));
		await expect.poll(async () => (await firstRows()).length).toBe(10);
		const before = await firstRows();

		// Set the homicide weight to 0 and count animation frames until the table shows a new order.
		const frames = await page.evaluate(async () => {
			const slider = document.querySelector<HTMLInputElement>('[data-testid="weight-rate:homicide"]')!;
			const first = () =>
				document.querySelector('[data-testid=ranking] tbody tr td:nth-child(2)')?.textContent;
			const was = first();
			slider.value = '0';
			slider.dispatchEvent(new Event('input', { bubbles: true }));
			for (let frame = 1; frame <= 10; frame++) {
				await new Promise((done) => requestAnimationFrame(done));
				if (first() !== was) return frame;
			}
			return Infinity;
		});
		expect(frames).toBeLessThanOrEqual(2);
		expect(await firstRows()).not.toEqual(before);

		// The top municipality's breakdown: its contributions add up to the index in the table.
		await page.locator('[data-testid=ranking] tbody tr').first().locator('button').click();
		const breakdown = page.getByTestId('breakdown');
		await breakdown.waitFor();
		const contributions = await breakdown
			.getByTestId('contribution')
			.evaluateAll((spans) => spans.map((s) => Number(s.getAttribute('data-value'))));
		const score = Number(
			await page
				.locator('[data-testid=ranking] tbody tr')
				.first()
				.getByTestId('score')
				.getAttribute('data-value')
		);
		expect(contributions.length).toBeGreaterThan(3);
		expect(score).toBeGreaterThan(0);
		expect(Math.abs(contributions.reduce((a, b) => a + b, 0) - score)).toBeLessThan(1e-9);
		expect(Number(await breakdown.getByTestId('breakdown-total').getAttribute('data-value'))).toBe(score);

		// Its printable brief, under the same weights: the same index, computed on the server.
		const brief = await page.context().newPage();
		await brief.goto((await breakdown.getByTestId('brief-link').getAttribute('href'))!);
		expect(Number(await brief.getByTestId('brief-score').getAttribute('data-value'))).toBeCloseTo(score, 12);
		await expect.poll(() => brief.getByTestId('trend-chart').count()).toBe(1);
		await saveScreenshot(brief, 'priorities-brief');
		await brief.close();

		// The LISA cluster map of the first issue: a legend with counts.
		await page.getByLabel('Agrupamientos (Moran local)').check();
		const legend = page.getByTestId('cluster-legend');
		await expect
			.poll(() => legend.textContent(), { timeout: 30_000 })
			.toMatch(/Alto rodeado de altos \(\d+\)/);
		await saveScreenshot(page, 'priorities-clusters');

		// Emerging hot spots of the same issue: every municipality in one pattern or "no data", and
		// the selected municipality's pattern, z series and trend in its panel.
		await page.getByLabel('Puntos calientes emergentes').check();
		const emerging = page.getByTestId('emerging-legend');
		await expect.poll(() => emerging.textContent(), { timeout: 60_000 }).toMatch(/Ningún patrón \(\d+\)/);
		// The count ends each legend entry (the note under them has a bracketed number too).
		const entries = await emerging.locator('li').allTextContents();
		const counts = entries.map((text) => Number(/\((\d+)\)$/.exec(text.trim())?.[1]));
		expect(counts.reduce((a, b) => a + b, 0)).toBe(1122);
		const panel = page.getByTestId('emerging-panel');
		await expect.poll(() => panel.isVisible()).toBe(true);
		expect(await panel.locator('polyline').count()).toBe(1);
		await expect.poll(() => panel.textContent()).toMatch(/Tendencia \(Mann-Kendall\): tau -?\d/);
		await saveScreenshot(page, 'priorities-emerging');
	});
});

describe('the patrol page', () => {
	it('shows a provider scoped to Nariño cells in Nariño only, and lets it export them', async () => {
		const { page } = await open();
		await signIn(page, inject('provider'), '/patrullaje');
		const rows = page.locator('[data-testid=patrol-cells] tbody tr');
		await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5);
		await expect.poll(() => page.getByTestId('patrol-no-hours').isVisible()).toBe(true);
		await saveScreenshot(page, 'patrol-narino');

		const href = await page.getByTestId('patrol-export').getAttribute('href');
		const exported = await page.request.get(href!);
		expect(exported.status()).toBe(200);
		expect(exported.headers()['content-disposition']).toMatch(/attachment; filename="celdas-patrullaje-/);
		const geojson = (await exported.json()) as {
			features: { geometry: { coordinates: [number, number][][] } }[];
		};
		const cells = Number(await page.getByTestId('patrol-summary').getAttribute('data-cells'));
		expect(cells).toBeGreaterThan(5);
		expect(geojson.features).toHaveLength(cells);
		// Nariño lies within about 0.2°–2.7° N, 79.1°–76.8° W; every hexagon vertex must too.
		for (const feature of geojson.features) {
			for (const [lon, lat] of feature.geometry.coordinates[0]!) {
				expect(lat).toBeGreaterThan(0.1);
				expect(lat).toBeLessThan(2.8);
				expect(lon).toBeGreaterThan(-79.3);
				expect(lon).toBeLessThan(-76.6);
			}
		}
		// Outside the jurisdiction: refused, by the API and by the page.
		expect((await page.request.get('/api/analysis/patrol?category=landmines&area=05')).status()).toBe(403);
		expect((await page.request.get('/prioridades')).status()).toBe(403);
	});
});
