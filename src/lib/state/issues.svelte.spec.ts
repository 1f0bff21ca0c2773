import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectivePeriod, IssueLayer, type Extent } from './issues.svelte';
import type { IssueChoice } from './view.svelte';

/** The reported-issues layer: which period and geography it asks for, and how it classes the answer. */

const EXTENT: Extent = {
	from: '2018-01',
	to: '2024-06',
	categories: {
		homicide: { from: '2018-01', to: '2024-06' },
		'sexual-violence': { from: '2018-01', to: '2024-06' }
	},
	attributions: {}
};

const choice = (change: Partial<IssueChoice>): IssueChoice => ({
	categories: ['homicide'],
	from: null,
	to: null,
	measure: 'count',
	method: 'quantiles',
	...change
});

afterEach(() => vi.unstubAllGlobals());

describe('effectivePeriod', () => {
	it('shows the last whole year with data when no period is chosen', () => {
		expect(effectivePeriod(choice({}), EXTENT, ['homicide'], false)).toEqual({
			from: '2023-01',
			to: '2023-12',
			snapped: false,
			label: '2023'
		});
	});

	it('keeps a month, a quarter or a year for the public, and snaps anything else to its year', () => {
		expect(
			effectivePeriod(choice({ from: '2020-04', to: '2020-06' }), EXTENT, ['homicide'], false)?.label
		).toBe('2020-T2');
		expect(effectivePeriod(choice({ from: '2020-02', to: '2020-05' }), EXTENT, ['homicide'], false)).toEqual({
			from: '2020-01',
			to: '2020-12',
			snapped: true,
			label: '2020'
		});
		// Never a single month of a sensitive category for the public.
		expect(
			effectivePeriod(choice({ from: '2020-02', to: '2020-02' }), EXTENT, ['sexual-violence'], false)?.snapped
		).toBe(true);
		// Signed-in roles see any period as chosen, swapped into order.
		expect(effectivePeriod(choice({ from: '2020-05', to: '2020-02' }), EXTENT, ['homicide'], true)).toEqual({
			from: '2020-02',
			to: '2020-05',
			snapped: false,
			label: '2020-02 – 2020-05'
		});
	});
});

describe('IssueLayer', () => {
	function answering(body: (url: URL) => unknown) {
		const fetch = vi.fn((input: string) => {
			const url = new URL(input, 'http://localhost');
			return Promise.resolve(new Response(JSON.stringify(body(url)), { status: 200 }));
		});
		vi.stubGlobal('fetch', fetch);
		return fetch;
	}

	it('asks the public for a sensitive category per department, without the smoothed rate', async () => {
		const fetch = answering(() => ({ measure: 'rate', unit: 'cases', total: 10, values: [] }));
		const layer = new IssueLayer();
		layer.extent = EXTENT;
		await layer.load(
			choice({ categories: ['sexual-violence'], measure: 'smoothed_rate', from: '2020-01', to: '2020-12' })
		);
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(fetch.mock.calls[0]![0]).toBe(
			'/api/stats/departments?category=sexual-violence&from=2020-01&to=2020-12&measure=rate'
		);
		expect(layer.geography).toBe('department');
		expect(layer.status).toBe('ready');
	});

	it('classes the figures it got: withheld, no data, and classes by the chosen method', async () => {
		answering(() => ({
			measure: 'count',
			unit: 'victims',
			total: 117,
			values: [
				{ code: '05001', population: 1, value: 100, count: 100 },
				{ code: '05002', population: 1, value: 1, count: 1 },
				{ code: '05004', population: 1, value: 16, count: 16 },
				{ code: '52835', population: 1, value: null, count: null, suppressed: '1–10' }
			]
		}));
		const layer = new IssueLayer();
		layer.role = 'planner';
		layer.extent = EXTENT;
		await layer.load(choice({ from: '2020-01', to: '2020-12', method: 'jenks' }));
		expect(layer.geography).toBe('municipality');
		expect(layer.classOf('52835')).toBe('suppressed');
		expect(layer.classOf('11001')).toBe('no-data');
		expect(layer.classOf('05001')).toBeGreaterThan(layer.classOf('05002') as number);
	});

	it('keeps the newest choice when answers arrive out of order', async () => {
		const resolvers: ((response: Response) => void)[] = [];
		vi.stubGlobal(
			'fetch',
			vi.fn(
				(_input: string, init: RequestInit) =>
					new Promise<Response>((resolve, reject) => {
						init.signal!.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
						resolvers.push(resolve);
					})
			)
		);
		const layer = new IssueLayer();
		layer.extent = EXTENT;
		const older = layer.load(choice({ from: '2020-01', to: '2020-01' }));
		const newer = layer.load(choice({ from: '2020-02', to: '2020-02' }));
		const answer = (total: number) =>
			new Response(JSON.stringify({ measure: 'count', unit: 'victims', total, values: [] }));
		resolvers[1]!(answer(2));
		resolvers[0]!(answer(1));
		await Promise.all([older, newer]);
		expect(layer.answer?.total).toBe(2);
		expect(layer.period?.from).toBe('2020-02');
		expect(layer.status).toBe('ready');
	});

	it('is idle without a category, and says why when the server refuses', async () => {
		const layer = new IssueLayer();
		layer.extent = EXTENT;
		await layer.load(choice({ categories: [] }));
		expect(layer.status).toBe('idle');
		vi.stubGlobal(
			'fetch',
			vi.fn(() =>
				Promise.resolve(new Response(JSON.stringify({ error: { message: 'bad period' } }), { status: 400 }))
			)
		);
		await layer.load(choice({}));
		expect(layer.status).toBe('error');
		expect(layer.message).toBe('bad period');
	});
});
