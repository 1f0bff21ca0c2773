import { describe, expect, inject, it } from 'vitest';
import { saveScreenshot } from './browser';
import { signIn, useApp } from './harness';

/** The dialogues page as a planner uses it, on the seeded 2021 Resilience Dialogues. */

const { open } = useApp();

describe('the dialogues page', () => {
	it('shows a wrong date or an unknown municipality at the field, in Spanish, and saves nothing', async () => {
		const session = await open();
		const { page } = session;
		await signIn(page, inject('planner'), '/dialogos');
		const rows = page.locator('[data-testid=dialogues-table] tbody tr');
		const before = await rows.count();
		expect(before).toBeGreaterThanOrEqual(10);

		const form = page.getByTestId('dialogue-form');
		await form.locator('input[name=title]').fill('Diálogo con la Policía en Tumaco');
		await form.locator('input[name=municipality]').fill('52835');
		await form.locator('input[name=date]').fill('15/03/2022');
		await form.locator('button[type=submit]').click();
		await expect
			.poll(() => page.getByTestId('error-date').textContent())
			.toBe('AAAA-MM-DD, o AAAA si solo se conoce el año');
		expect(await form.locator('input[name=date]').getAttribute('aria-invalid')).toBe('true');

		await form.locator('input[name=date]').fill('2022-03-15');
		await form.locator('input[name=municipality]').fill('99999');
		await form.locator('button[type=submit]').click();
		await expect
			.poll(() => page.getByTestId('error-municipality').textContent())
			.toBe('ningún municipio tiene el código 99999');
		expect(await page.getByTestId('error-date').count()).toBe(0);
		// The browser logs the API's 400 for the unknown municipality: expected here, and the only one.
		expect(session.consoleErrors).toEqual([expect.stringMatching(/status of 400 .*\/api\/dialogues\)$/)]);
		session.consoleErrors.length = 0;
		expect(await rows.count()).toBe(before);
		const stored = await page.request.get('/api/dialogues?municipality=52835');
		expect(((await stored.json()) as { dialogues: unknown[] }).dialogues).toHaveLength(1);
		await saveScreenshot(page, 'dialogues-form-errors');

		await form.locator('input[name=municipality]').fill('52835');
		await form.locator('button[type=submit]').click();
		await expect.poll(() => rows.count()).toBe(before + 1);
	});

	it('edits a dialogue in the same form', async () => {
		const { page } = await open();
		await signIn(page, inject('planner'), '/dialogos');
		const row = page.locator('[data-testid=dialogues-table] tbody tr', {
			hasText: 'Diálogo con la Policía en Tumaco'
		});
		await row.getByRole('button', { name: 'Editar' }).click();
		const form = page.getByTestId('dialogue-form');
		await expect.poll(() => form.locator('input[name=date]').inputValue()).toBe('2022-03-15');
		await form.locator('input[name=title]').fill('Diálogo con la Policía y la comunidad en Tumaco');
		await form.locator('button[type=submit]').click();
		await expect
			.poll(() => page.locator('[data-testid=dialogues-table]').textContent())
			.toContain('Diálogo con la Policía y la comunidad en Tumaco');
		expect(await page.locator('[data-testid=dialogues-table]').textContent()).not.toContain(
			'Diálogo con la Policía en Tumaco'
		);
	});
});
