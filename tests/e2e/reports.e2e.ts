import { describe, expect, inject, it } from 'vitest';
import { saveScreenshot } from './browser';
import { signIn, useApp } from './harness';
import { colourCounts, decodePng } from './png';

/**
 * The reported-issues layer against the built app with the real datasets of ../shared/data/real
 * loaded by the start-up preparation (global-setup.ts), as the anonymous public sees it.
 */

const { open, openMap } = useApp();

describe('the reported-issues map', () => {
	it('maps homicides in 2019 with the Police total, and shows Medellín’s figure in its panel', async () => {
		const { page } = await openMap('/?c=homicide&from=2019-01&to=2019-12&m=05001');
		const legend = page.getByTestId('legend');
		await expect.poll(() => legend.locator('h2').textContent()).toBe('Homicidio, 2019');
		// The Police's own total for 2019 (PROVENANCE.md), 12,656, in Colombian number format, as the
		// public release publishes it: within ±5 (docs/disclosure.md).
		await expect.poll(() => legend.textContent()).toMatch(/Total: 12\.6(5[1-9]|6[01]) víctimas/);
		expect(await legend.textContent()).toContain('Fuente: Policía Nacional – DIJIN, SIEDCO');
		expect(await page.getByTestId('legend-suppressed').count()).toBe(1);

		const issues = page.getByTestId('municipality-issues');
		const homicides = issues.locator('tr[data-category="homicide"] td');
		await expect.poll(() => homicides.textContent(), { timeout: 30_000 }).toMatch(/^\s*\d[\d.]*\s*$/);
		expect(Number((await homicides.textContent())!.trim().replaceAll('.', ''))).toBeGreaterThan(100);
		expect(await issues.locator('svg rect').count()).toBe(12);

		await page.addStyleTag({
			content: '[data-testid="legend"], .maplibregl-ctrl { visibility: hidden !important; }'
		});
		// The warm issue ramp (YlOrRd) is drawn: its darkest class is on screen.
		const image = decodePng(await saveScreenshot(page.getByTestId('map'), 'issues-homicide-2019'));
		const colours = colourCounts(image);
		const reds = [...colours.keys()].filter((hex) => {
			const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
			return r! > 180 && g! < 90 && b! < 90;
		});
		expect(reds.length).toBeGreaterThan(0);
	});

	it('chooses a category and a measure with the picker, and keeps them in the URL', async () => {
		const { page } = await openMap('/');
		expect(await page.getByTestId('legend').locator('h2').textContent()).toBe('Densidad de población, 2018');
		// The public picks one category (or every non-sensitive one together): radios, no checkboxes.
		const picker = page.getByTestId('indicator-picker');
		expect(await picker.getByRole('checkbox').count()).toBe(0);
		expect(await picker.getByTestId('public-choices').textContent()).toContain('una categoría a la vez');
		await picker.getByRole('radio', { name: /Minas antipersonal/ }).check();
		await expect.poll(() => new URL(page.url()).searchParams.get('c')).toBe('landmines');
		await expect
			.poll(() => page.getByTestId('legend').locator('h2').textContent())
			.toMatch(/^Minas antipersonal y MUSE, \d{4}$/);

		await page.getByTestId('measure-select').selectOption('rate');
		await expect.poll(() => new URL(page.url()).searchParams.get('measure')).toBe('rate');
		await expect.poll(() => page.getByTestId('legend').textContent()).toContain('por 100.000 habitantes');
	});

	it('shows the public a sensitive category per department only, and says why', async () => {
		const { page } = await openMap('/?c=sexual-violence&from=2019-01&to=2019-12');
		const legend = page.getByTestId('legend');
		await expect
			.poll(() => legend.locator('h2').textContent())
			.toBe('Violencia sexual, 2019, por departamento');
		// The Police's 2019 total of sexual crimes (PROVENANCE.md), 38,185, within ±5 in the release.
		await expect.poll(() => legend.textContent()).toMatch(/Total: 38\.1(8\d|90) casos/);
		expect(await page.getByTestId('indicator-picker').textContent()).toContain(
			'solo por departamento y por trimestre o año'
		);
	});
});

describe('a period its sources cover in part', () => {
	it('is named in the legend and the panel: domestic violence 2023 is January–February', async () => {
		const { page } = await open();
		await signIn(
			page,
			inject('planner'),
			'/?c=domestic-violence&from=2023-01&to=2023-12&measure=rate&m=11001'
		);
		await page.locator('[data-testid="map"][data-ready="true"]').waitFor({ timeout: 60_000 });
		const legend = page.getByTestId('legend');
		await expect.poll(() => legend.textContent(), { timeout: 30_000 }).toContain('enero–febrero de 2023');
		expect(await legend.textContent()).toContain('Cubre enero–febrero de 2023 (2 de 12 meses)');
		expect(await legend.textContent()).toContain('por 100.000 habitantes al año');
		const row = page.getByTestId('municipality-issues').locator('tr[data-category="domestic-violence"]');
		await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('enero–febrero de 2023');
		// The ten months the Police file does not hold are drawn as not covered, not as zeros.
		const uncovered = page.getByTestId('municipality-issues').locator('rect.uncovered');
		await expect.poll(() => uncovered.count()).toBe(10);
		await saveScreenshot(page, 'partial-period-domestic-violence-2023');
	});
});

describe('the import page', () => {
	it('lets a planner upload a file, rejects it whole for one bad row, then loads the good rows', async () => {
		const { page } = await open();
		await signIn(page, inject('planner'), '/importaciones');

		const csv = [
			'fecha,departamento,municipio,cod_mpio,cod_mpio_origen,genero,tipo_lider',
			'2021-03-04,Nariño,Tumaco,52835,nombre,M,Líder comunal',
			'2021-02-30,Cauca,Popayán,19001,nombre,F,Líder comunal'
		].join('\n');
		const upload = async () => {
			await page.getByTestId('import-mapping').selectOption('lideres-sociales');
			await page
				.getByTestId('import-file')
				.setInputFiles({ name: 'lideres.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
			await page.getByTestId('import-form').locator('button[type=submit]').click();
		};
		await upload();
		const outcome = page.getByTestId('import-outcome');
		await expect.poll(() => outcome.textContent(), { timeout: 30_000 }).toContain('no se guardó nada');
		const problem = page.getByTestId('import-problems').locator('tbody tr');
		expect(await problem.allTextContents()).toEqual([
			expect.stringMatching(/^3\s*fecha\s*2021-02-30 is not a real date$/)
		]);

		await page.getByRole('checkbox').check();
		await upload();
		await expect
			.poll(() => outcome.textContent(), { timeout: 30_000 })
			.toMatch(/1 reportes nuevos, 0 ya estaban, 1 filas omitidas/);
		await expect.poll(() => page.getByTestId('import-batches').textContent()).toContain('lideres.csv');
	});
});

describe('the trust layer', () => {
	it('maps the demonstration panel for a month, labelled as demonstration data everywhere', async () => {
		const { page } = await openMap('/?t=index&tm=2020-09&m=52835');
		const legend = page.getByTestId('legend');
		await expect
			.poll(() => legend.locator('h2').textContent())
			.toBe('Índice de confianza (todas las instituciones), 2020-09');
		expect(await legend.textContent()).toContain('DATOS DE DEMOSTRACIÓN');
		expect(await page.getByTestId('demo-label').textContent()).toBe('DATOS DE DEMOSTRACIÓN');
		const trust = page.getByTestId('municipality-trust');
		await expect.poll(() => trust.textContent(), { timeout: 30_000 }).toContain('Policía Nacional');
		expect(await trust.textContent()).toContain('DATOS DE DEMOSTRACIÓN');

		// The last wave of the panel is 2022-09: the slider's end.
		const slider = page.getByTestId('trust-month');
		await slider.focus();
		await page.keyboard.press('End');
		await expect.poll(() => new URL(page.url()).searchParams.get('tm')).toBe('2022-09');
		await expect.poll(() => legend.locator('h2').textContent()).toContain('2022-09');
	});
});

describe('the public prevention page', () => {
	it('lists El Guamo’s four issues from the 2021 Resilience Dialogue, without login', async () => {
		const { page } = await open();
		await page.goto('/publico');
		await page.getByRole('link', { name: 'El Guamo' }).click();
		await page.waitForURL('**/publico/13248');
		expect(await page.getByTestId('prevention-issues').locator('li').allTextContents()).toEqual([
			'Violencia sexual',
			'Violencia contra población LGBTIQ+',
			'Microtráfico',
			'Conflictos por la tierra (falta de titulación)'
		]);
		expect(await page.getByTestId('prevention-page').textContent()).toContain('2021 (fecha no publicada)');
	});
});
