import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { translator } from '$lib/i18n';
import MunicipalityIssues from './MunicipalityIssues.svelte';

/**
 * A municipality's reported issues in the side panel: a partly covered period says so beside the
 * count and under the chart, and months the sources do not cover are drawn apart from zeros.
 */

let mounted: Record<string, unknown> | null = null;
afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	document.body.innerHTML = '';
	vi.unstubAllGlobals();
});

const NOTE = {
	es: 'Cubre enero–mayo de 2025 (5 de 12 meses)',
	en: 'Covers January–May 2025 (5 of 12 months)'
};

function answer(url: URL): unknown {
	if (url.pathname.endsWith('/summary')) {
		return {
			code: '11001',
			from: '2025-01',
			to: '2025-12',
			categories: [
				{
					category: 'sexual-violence',
					count: 3235,
					attributions: ['Policía Nacional'],
					covered: { from: '2025-01', to: '2025-05' },
					coverageNote: NOTE
				},
				{ category: 'homicide', count: null, attributions: [], covered: null, coverageNote: null }
			]
		};
	}
	const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}`);
	return {
		code: '11001',
		categories: ['sexual-violence'],
		unit: 'victims',
		grain: 'month',
		series: months.map((month, i) => ({ month, count: i < 5 ? 600 + i : null })),
		coverage: { partial: true, note: NOTE }
	};
}

async function show(locale: 'es' | 'en') {
	vi.stubGlobal(
		'fetch',
		vi.fn((input: string) =>
			Promise.resolve(new Response(JSON.stringify(answer(new URL(input, 'http://x'))), { status: 200 }))
		)
	);
	mounted = mount(MunicipalityIssues, {
		target: document.body,
		props: {
			code: '11001',
			categories: ['sexual-violence'],
			period: { from: '2025-01', to: '2025-12', snapped: false, label: '2025' },
			monthly: true,
			locale,
			t: translator(locale)
		}
	});
	await vi.waitFor(() => expect(document.querySelectorAll('rect')).toHaveLength(12));
	flushSync();
	return document.querySelector('[data-testid="municipality-issues"]')!;
}

describe('MunicipalityIssues', () => {
	it('marks a partly covered count and the months not covered, in Spanish', async () => {
		const panel = await show('es');
		const row = panel.querySelector('tr[data-category="sexual-violence"]')!;
		expect(row.textContent).toContain('3.235');
		expect(row.querySelector('.partial')!.textContent).toBe(NOTE.es);
		const bars = [...panel.querySelectorAll('rect')];
		expect(bars.filter((b) => b.classList.contains('uncovered'))).toHaveLength(7);
		expect(bars[6]!.querySelector('title')!.textContent).toBe('2025-07: sin cobertura');
		expect(bars[0]!.querySelector('title')!.textContent).toBe('2025-01: 600');
		expect(panel.querySelector('figure .partial')!.textContent).toBe(NOTE.es);
		expect(panel.querySelector('figure .key')!.textContent).toBe(
			translator('es')('issues.panel.uncoveredKey')
		);
	});

	it('says the same in English', async () => {
		const panel = await show('en');
		expect(panel.querySelector('tr .partial')!.textContent).toBe(NOTE.en);
		expect([...panel.querySelectorAll('rect title')].at(-1)!.textContent).toBe('2025-12: not covered');
	});
});
