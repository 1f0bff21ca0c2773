import { describe, expect, inject, it } from 'vitest';
import { saveScreenshot } from './browser';
import { signIn, useApp } from './harness';

/**
 * Early warning on the real data of `npm start` (issue 16), as a new user would: a planner sees a
 * month's alerts, acknowledges one, answers it with a commitment and reaches the outcome view; a
 * Nariño provider sees Nariño only. Screens at 1280 px and on a phone, in Spanish and English.
 */

const { open } = useApp();
const JUNE = '/alertas?category=homicide&level=municipality&month=2024-06';

describe('the alerts page', () => {
	it('lists what the API lists, acknowledges, answers with a commitment and shows the outcome', async () => {
		const { page } = await open();
		await signIn(page, inject('planner'), JUNE);
		const api = (await (await page.request.get(`/api/alerts${JUNE.slice('/alertas'.length)}`)).json()) as {
			alerts: { key: string; rule: string }[];
		};
		const cards = page.getByTestId('alert');
		await expect.poll(() => cards.count()).toBe(api.alerts.length);
		expect(api.alerts.length).toBeGreaterThan(0);
		expect(await page.getByTestId('alerts-count').getAttribute('data-count')).toBe(String(api.alerts.length));
		await saveScreenshot(page, 'alerts-1280-es');

		const first = page.locator(`[data-testid=alert][data-key="${api.alerts[0]!.key}"]`);
		await first.getByTestId('acknowledge').click();
		await first.getByTestId('acknowledged').waitFor();

		await first.getByTestId('respond-open').click();
		await first.locator('input[name=institution]').fill('Policía Nacional');
		await first.locator('textarea[name=action]').fill('Patrullaje reforzado y mesa de seguridad');
		await first.locator('input[name=dueDate]').fill('2024-07-31');
		await first.getByTestId('respond-save').click();
		const response = first.getByTestId('response');
		await response.waitFor();
		expect(await response.getAttribute('data-status')).toBe('overdue');
		expect(await page.getByTestId('alerts-share').textContent()).toMatch(/Con respuesta: 1 de/);

		await first.getByTestId('outcome-link').click();
		await page.waitForURL(/\/alertas\/resultado\/\d+$/);
		await page.getByTestId('outcome-estimate').waitFor();
		expect(await page.getByTestId('outcome-estimate').textContent()).toMatch(
			/Diferencia en diferencias: -?[\d.,]+/
		);
		expect(await page.getByTestId('outcome-caveat').textContent()).toMatch(/No es prueba de causalidad/);
		await saveScreenshot(page, 'alerts-outcome-1280-es');

		await page.goto(`${page.url()}?lang=en`);
		await page.getByTestId('outcome-caveat').waitFor();
		expect(await page.getByTestId('outcome-caveat').textContent()).toMatch(/not proof of causality/);
		await page.setViewportSize({ width: 390, height: 844 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await saveScreenshot(page, 'alerts-outcome-390-en');

		await page.goto(`${JUNE}&lang=en`);
		await cards.first().waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await saveScreenshot(page, 'alerts-390-en');
	});

	it('shows a Nariño provider only Nariño’s municipalities', async () => {
		const { page } = await open();
		await signIn(page, inject('provider'), '/alertas?category=homicide&level=municipality&month=2024-12');
		const keys = await page
			.getByTestId('alert')
			.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-key')));
		for (const key of keys) expect(key!.split('|')[2]).toMatch(/^52\d{3}$/);
		const departments = await page.request.get(
			'/api/alerts?category=homicide&level=department&month=2024-12'
		);
		const body = (await departments.json()) as { alerts: { code: string }[] };
		expect(body.alerts.every((a) => a.code === '52')).toBe(true);
	});
});
