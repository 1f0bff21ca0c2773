import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { OUTPUT_DIR, saveScreenshot } from './browser';
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
		// The form action answers the refusal as data (HTTP 200), so the browser logs nothing.
		expect(session.consoleErrors).toEqual([]);
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

	it('saves the booklet and the commitment form twice each, emptying the form and adding a row each time', async () => {
		const { page } = await open();
		await signIn(page, inject('planner'), '/dialogos');
		// A regression test: the form used to answer 201, then throw on `event.currentTarget` (read
		// after an await), keeping its text and leaving the table as it was.
		const booklets = page.locator('[data-testid=booklets-table] tbody tr');
		const bookletForm = page.getByTestId('booklet-form');
		const bookletsBefore = await booklets.count();
		for (const n of [1, 2]) {
			await bookletForm.locator('input[name=municipality]').fill('52835');
			await bookletForm.locator('input[name=problem]').fill(`Reclutamiento de menores ${n}`);
			await bookletForm
				.locator('textarea[name=steps]')
				.fill('Rutas de protección en las escuelas\nEspacios culturales para jóvenes');
			await bookletForm.locator('textarea[name=resources]').fill('Casa de la cultura');
			await bookletForm.locator('button[type=submit]').click();
			await expect.poll(() => booklets.count()).toBe(bookletsBefore + n);
			expect(await page.locator('[role=status]').textContent()).toBe('Cartilla guardada.');
			for (const field of ['input[name=municipality]', 'input[name=problem]', 'textarea']) {
				for (const value of await bookletForm
					.locator(field)
					.evaluateAll((els) => els.map((el) => (el as HTMLInputElement).value)))
					expect(value, field).toBe('');
			}
		}
		expect(await booklets.first().textContent()).toContain('Reclutamiento de menores 2');

		const commitments = page.locator('[data-testid=commitments-table] tbody tr');
		const commitmentForm = page.getByTestId('commitment-form');
		const commitmentsBefore = await commitments.count();
		for (const n of [1, 2]) {
			await commitmentForm.locator('input[name=institution]').fill(`Personería ${n}`);
			await commitmentForm.locator('input[name=action]').fill('Mesa mensual de seguimiento');
			await commitmentForm.locator('input[name=dueDate]').fill('2030-06-30');
			await commitmentForm.locator('button[type=submit]').click();
			await expect.poll(() => commitments.count()).toBe(commitmentsBefore + n);
			expect(await page.locator('[role=status]').textContent()).toBe('Compromiso guardado.');
			for (const name of ['institution', 'action', 'dueDate'])
				expect(await commitmentForm.locator(`input[name=${name}]`).inputValue(), name).toBe('');
		}
		expect(await page.getByTestId('commitments-table').textContent()).toContain('Personería 2');

		await page.screenshot({ path: path.join(OUTPUT_DIR, 'dialogues-page-1280.png'), fullPage: true });
		await page.setViewportSize({ width: 390, height: 844 });
		// On a phone the tables scroll inside the page; the page itself does not scroll sideways.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.screenshot({ path: path.join(OUTPUT_DIR, 'dialogues-page-390.png'), fullPage: true });
		await saveScreenshot(page, 'dialogues-page-390x844');
	});
});
