import { describe, expect, inject, it } from 'vitest';
import { saveScreenshot } from './browser';
import { signIn, useApp } from './harness';

/**
 * Issue 18's acceptance on the built app: a reporter scoped to Tumaco records a recruitment report
 * on a phone (the form warns about a name and wants a confirmation), it stays received, and a
 * planner verifies it; only then is it counted as a community figure for Tumaco.
 */

const { open } = useApp();

describe('community reports', () => {
	it('a reporter records one on a phone; it counts once a planner verifies it', async () => {
		const reporter = await open();
		const { page } = reporter;
		await page.setViewportSize({ width: 390, height: 844 });
		await signIn(page, inject('reporter'), '/reportes');
		const form = page.getByTestId('community-form');
		expect(await form.locator('select[name=municipality] option').allTextContents()).toEqual([
			'San Andrés de Tumaco (52835)'
		]);
		await form.locator('input[name=date]').fill('2025-03');
		await form.locator('input[name=count]').fill('2');
		await form.locator('textarea[name=description]').fill('Lo contó María Pérez en el diálogo de la vereda');
		await expect.poll(() => page.getByTestId('personal-warning').textContent()).toContain('María Pérez');
		await form.locator('button[type=submit]').click();
		await expect
			.poll(() => page.getByTestId('error-description').textContent())
			.toBe('Quite los datos personales o confirme que quiere guardarlo así.');
		expect(await form.locator('input[name=count]').inputValue()).toBe('2');
		await form.locator('input[name=confirmPersonal]').check();
		await form.locator('button[type=submit]').click();
		const card = page.getByTestId('community-list').locator('li').first();
		await expect.poll(() => card.textContent()).toContain('Recibido');
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await saveScreenshot(page, 'community-reporter-phone');
		// Not counted yet; and a reporter is no security provider.
		const before = await page.request.get('/api/community-reports/figures');
		expect(((await before.json()) as { figures: unknown[] }).figures).toEqual([]);
		expect((await page.request.get('/patrullaje')).status()).toBe(403);

		const planner = await open();
		await signIn(planner.page, inject('planner'), '/reportes?state=received');
		await planner.page.locator('[data-testid^=verify-]').first().click();
		await expect
			.poll(() => planner.page.getByRole('status').allTextContents())
			.toContain('Reporte verificado: ahora cuenta.');
		const after = await page.request.get('/api/community-reports/figures');
		expect(
			((await after.json()) as { figures: { municipality: { code: string }; count: number }[] }).figures
		).toEqual([
			expect.objectContaining({ municipality: expect.objectContaining({ code: '52835' }), count: 2 })
		]);
	});
});
