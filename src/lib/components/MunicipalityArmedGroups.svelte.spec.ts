import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { translator } from '$lib/i18n';
import MunicipalityArmedGroups from './MunicipalityArmedGroups.svelte';

/**
 * Armed-group presence in the municipality panel (signed-in roles): the years of each group as
 * runs, "no recorded presence" for a group never coded, and nothing at all when the API refuses.
 */

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	document.body.innerHTML = '';
	vi.unstubAllGlobals();
});

const SOURCE = {
	attribution: 'Fuente: CEDE – Universidad de los Andes',
	note: { es: 'Contexto, no un conteo.', en: 'Context, not a count.' }
};

const year = (y: number, farc: boolean, eln: boolean) => ({ year: y, farc, eln, auc: false });

function stub(status: number, body: unknown) {
	const fetch = vi.fn((input: string) => {
		expect(new URL(input, 'http://x').search).toBe('?municipality=52835');
		return Promise.resolve(new Response(JSON.stringify(body), { status }));
	});
	vi.stubGlobal('fetch', fetch);
	return fetch;
}

function show(locale: 'es' | 'en') {
	mounted = mount(MunicipalityArmedGroups, {
		target: document.body,
		props: { code: '52835', locale, t: translator(locale) }
	});
}

describe('MunicipalityArmedGroups', () => {
	it('writes each group’s years as runs, in Spanish and English', async () => {
		const answer = {
			source: SOURCE,
			years: { from: 1993, to: 2013 },
			municipality: '52835',
			series: [
				year(1999, true, false),
				year(2000, true, true),
				year(2001, true, false),
				year(2005, false, false),
				year(2013, true, false)
			]
		};
		stub(200, answer);
		show('es');
		await vi.waitFor(() => expect(document.querySelector('dl')).not.toBeNull());
		flushSync();
		const panel = document.querySelector('[data-testid="municipality-armed-groups"]')!;
		expect(panel.querySelector('h3')!.textContent).toBe('Presencia de grupos armados (CEDE, hasta 2013)');
		const group = (id: string) => panel.querySelector(`dd[data-group="${id}"]`)!.textContent;
		expect([group('farc'), group('eln'), group('auc')]).toEqual([
			'1999–2001, 2013',
			'2000',
			'sin presencia registrada'
		]);
		expect(panel.textContent).toContain('Contexto, no un conteo.');
		expect(panel.textContent).toContain(SOURCE.attribution);
		void unmount(mounted!);
		stub(200, answer);
		show('en');
		await vi.waitFor(() => expect(document.querySelector('dl')).not.toBeNull());
		flushSync();
		expect(document.querySelector('dd[data-group="auc"]')!.textContent).toBe('no recorded presence');
		expect(document.querySelector('h3')!.textContent).toBe('Armed-group presence (CEDE, to 2013)');
	});

	it('shows nothing when the municipality is outside the caller’s jurisdiction', async () => {
		const fetch = stub(403, { error: { code: 'outside_jurisdiction', message: 'outside' } });
		show('es');
		await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
		await vi.waitFor(() =>
			expect(document.querySelector('[data-testid="municipality-armed-groups"]')).toBeNull()
		);
	});
});
