import { afterEach, describe, expect, it, vi } from 'vitest';
import { PUBLIC_DICTIONARY } from './fake-api';
import { IssueLayer, periodLabel, requestedPeriod, wholeYearsIfYearly, type Extent } from './issues.svelte';
import { PublicRules } from './public-rules';
import type { IssueChoice } from './view.svelte';

/** The reported-issues layer: which period and geography it asks for, and how it classes the answer. */

const EXTENT: Extent = {
	from: '2018-01',
	to: '2024-06',
	categories: {
		homicide: { from: '2018-01', to: '2024-06' },
		'sexual-violence': { from: '2018-01', to: '2024-06' }
	},
	attributions: {},
	yearly: []
};

const RULES = new PublicRules(PUBLIC_DICTIONARY);

const choice = (change: Partial<IssueChoice>): IssueChoice => ({
	categories: ['homicide'],
	from: null,
	to: null,
	measure: 'count',
	method: 'quantiles',
	...change
});

afterEach(() => vi.unstubAllGlobals());

describe('the period asked for', () => {
	it('of categories counted by year is whole years, for the public and for planners', () => {
		// The coca census is yearly: a month or quarter of it does not exist, it is its year.
		const rules = new PublicRules(PUBLIC_DICTIONARY, ['illicit-crops']);
		const coca = rules.choiceOf(['illicit-crops'])!;
		expect(coca.grains).toEqual(['year']);
		expect(rules.stepOf(coca)).toBe(12);
		expect(rules.periodOf(coca, '2020-04', '2020-06')).toEqual({
			from: '2020-01',
			to: '2020-12',
			snapped: true
		});
		expect(rules.choiceOf(['homicide'])!.grains).toContain('month');
		expect(
			wholeYearsIfYearly({ from: '2022-02', to: '2023-01' }, ['illicit-crops'], ['illicit-crops'])
		).toEqual({
			from: '2022-01',
			to: '2023-12'
		});
		// A choice mixing a monthly category keeps its months (the yearly one then enters by whole years).
		const mixed = { from: '2022-02', to: '2023-01' };
		expect(wholeYearsIfYearly(mixed, ['illicit-crops', 'homicide'], ['illicit-crops'])).toBe(mixed);
	});

	it('is the last whole year with data when no period is chosen, and any range in order', () => {
		expect(requestedPeriod(choice({}), EXTENT, ['homicide'])).toEqual({ from: '2023-01', to: '2023-12' });
		expect(requestedPeriod(choice({ from: '2020-05', to: '2020-02' }), EXTENT, ['homicide'])).toEqual({
			from: '2020-02',
			to: '2020-05'
		});
		expect(requestedPeriod(choice({}), EXTENT, ['extortion'])).toBeNull();
	});

	it('is, for the public, a month, quarter or year its table publishes, else the whole year', () => {
		const homicide = RULES.choiceOf(['homicide'])!;
		const sensitive = RULES.choiceOf(['sexual-violence'])!;
		expect(RULES.periodOf(homicide, '2020-04', '2020-06')).toEqual({
			from: '2020-04',
			to: '2020-06',
			snapped: false
		});
		expect(RULES.periodOf(homicide, '2020-02', '2020-05')).toEqual({
			from: '2020-01',
			to: '2020-12',
			snapped: true
		});
		// The sensitive table publishes quarters and years: a single month becomes its year.
		expect(RULES.periodOf(sensitive, '2020-02', '2020-02').snapped).toBe(true);
		expect(RULES.periodOf(sensitive, '2020-04', '2020-06').snapped).toBe(false);
		expect(periodLabel('2020-04', '2020-06')).toBe('2020-T2');
		expect(periodLabel('2020-02', '2020-05')).toBe('2020-02 – 2020-05');
	});

	it('offers the public one category or the whole non-sensitive group, each with its geography', () => {
		expect(RULES.choices[0]!.id).toBe('all-non-sensitive');
		expect(RULES.choiceOf(['homicide'])?.geography).toBe('municipality');
		expect(RULES.choiceOf(['sexual-violence'])?.geography).toBe('department');
		expect(RULES.choiceOf(['homicide', 'extortion'])).toBeNull();
		expect(RULES.choiceOf([...RULES.group!.categories].reverse())?.id).toBe('all-non-sensitive');
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

	function publicLayer() {
		const layer = new IssueLayer();
		layer.extent = EXTENT;
		layer.rules = RULES;
		return layer;
	}

	it('asks the public for a sensitive category per department, without the smoothed rate', async () => {
		const fetch = answering((url) => ({
			measure: 'rate',
			unit: 'cases',
			categories: ['sexual-violence'],
			from: url.searchParams.get('from'),
			to: url.searchParams.get('to'),
			total: 10,
			values: [],
			release: 3
		}));
		const layer = publicLayer();
		await layer.load(
			choice({ categories: ['sexual-violence'], measure: 'smoothed_rate', from: '2020-03', to: '2020-03' })
		);
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(fetch.mock.calls[0]![0]).toBe(
			'/api/stats/departments?category=sexual-violence&from=2020-01&to=2020-12&measure=rate'
		);
		expect(layer.geography).toBe('department');
		expect(layer.status).toBe('ready');
		// What is shown is the answer's period, flagged as moved from the month chosen.
		expect(layer.period).toEqual({ from: '2020-01', to: '2020-12', snapped: true, label: '2020' });
		expect(layer.monthlySeries(['sexual-violence'])).toBe(false);
		expect(layer.monthlySeries(['homicide'])).toBe(true);
	});

	it('asks the public nothing for a set it may not see, and says so', async () => {
		const fetch = answering(() => ({}));
		const layer = publicLayer();
		await layer.load(choice({ categories: ['homicide', 'extortion'] }));
		expect(fetch).not.toHaveBeenCalled();
		expect(layer.status).toBe('not-public');
	});

	it('waits for the public rules before asking anything for the public', async () => {
		const fetch = answering(() => ({}));
		const layer = new IssueLayer();
		layer.extent = EXTENT;
		await layer.load(choice({}));
		expect(fetch).not.toHaveBeenCalled();
		expect(layer.status).toBe('idle');
	});

	it('classes the figures it got: withheld, no data, and classes by the chosen method', async () => {
		answering(() => ({
			measure: 'count',
			unit: 'victims',
			from: '2020-01',
			to: '2020-12',
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
		const layer = publicLayer();
		const older = layer.load(choice({ from: '2020-01', to: '2020-01' }));
		const newer = layer.load(choice({ from: '2020-02', to: '2020-02' }));
		const answer = (total: number, month: string) =>
			new Response(
				JSON.stringify({ measure: 'count', unit: 'victims', from: month, to: month, total, values: [] })
			);
		resolvers[1]!(answer(2, '2020-02'));
		resolvers[0]!(answer(1, '2020-01'));
		await Promise.all([older, newer]);
		expect(layer.answer?.total).toBe(2);
		expect(layer.period?.from).toBe('2020-02');
		expect(layer.status).toBe('ready');
	});

	it('is idle without a category, and says why when the server refuses', async () => {
		const layer = publicLayer();
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
