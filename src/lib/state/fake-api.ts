import type { FeatureCollection, Polygon } from 'geojson';
import { topology } from 'topojson-server';
import type { PublicDictionary } from '$lib/api';
import { CATEGORIES } from '$lib/domain/categories';
import type { CategoryCoverage } from '$lib/domain/coverage';
import { figureNotes } from '$lib/domain/figure-notes';
import { monthIndex } from '$lib/domain/monthly-cube';

/**
 * Test support for the component tier (never imported by the app): a `fetch` that answers the
 * map page's API calls for four square municipalities in two departments, so that state classes
 * and pages run without a server. Homicide figures change from month to month, so a play moves
 * the classes.
 */

const HOMICIDE_COVERAGE: CategoryCoverage = {
	range: { first: monthIndex('2003-01'), last: monthIndex('2024-12') },
	precision: 'month',
	absence: 'zero',
	departments: new Map()
};

export const MUNICIPALITIES = [
	{
		code: '05001',
		name: 'Medellín',
		department: { code: '05', name: 'Antioquia' },
		population: 2372330,
		areaKm2: 374.8
	},
	{
		code: '05002',
		name: 'Abejorral',
		department: { code: '05', name: 'Antioquia' },
		population: 19000,
		areaKm2: 491
	},
	{
		code: '52835',
		name: 'San Andrés de Tumaco',
		department: { code: '52', name: 'Nariño' },
		population: 138091,
		areaKm2: 3611.5
	},
	{
		code: '52001',
		name: 'Pasto',
		department: { code: '52', name: 'Nariño' },
		population: 392930,
		areaKm2: 1131
	}
];

function square(x: number, y: number): Polygon {
	return {
		type: 'Polygon',
		coordinates: [
			[
				[x, y],
				[x + 1, y],
				[x + 1, y + 1],
				[x, y + 1],
				[x, y]
			]
		]
	};
}

const SHAPES: FeatureCollection<Polygon> = {
	type: 'FeatureCollection',
	features: MUNICIPALITIES.map((m, i) => ({
		type: 'Feature',
		id: m.code,
		properties: { code: m.code, name: m.name },
		geometry: square(-76 + (i % 2), 4 + Math.floor(i / 2))
	}))
};
const DEPARTMENTS: FeatureCollection<Polygon> = {
	type: 'FeatureCollection',
	features: [
		{ type: 'Feature', properties: {}, geometry: square(-76, 4) },
		{ type: 'Feature', properties: {}, geometry: square(-76, 5) }
	]
};

/**
 * The release's data dictionary as GET /api/public/dictionary answers it (the parts the browser
 * reads; tests/api/public-rules.spec.ts checks the real one against the server's refusals).
 */
export const PUBLIC_DICTIONARY: PublicDictionary = {
	release: 1,
	columns: [],
	tables: [
		{
			id: 'issues',
			file: 'issues.csv',
			grains: ['month', 'quarter', 'year'],
			levels: ['municipality', 'department', 'nation']
		},
		{ id: 'sensitive', file: 'sensitive.csv', grains: ['quarter', 'year'], levels: ['department', 'nation'] },
		{
			id: 'hectares',
			file: 'hectares.csv',
			grains: ['month', 'quarter', 'year'],
			levels: ['municipality', 'department', 'nation']
		}
	],
	categories: [
		...CATEGORIES.map((c) => ({
			id: c.id,
			label: c.label,
			unit: c.unit,
			sensitive: c.sensitive,
			table:
				c.unit === 'hectares'
					? ('hectares' as const)
					: c.sensitive
						? ('sensitive' as const)
						: ('issues' as const)
		})),
		{
			id: 'all-non-sensitive',
			label: { es: 'Todas las categorías no sensibles', en: 'All non-sensitive categories' },
			unit: 'reports',
			sensitive: false,
			table: 'issues',
			members: CATEGORIES.filter((c) => !c.sensitive && c.unit !== 'hectares').map((c) => c.id)
		}
	],
	rules: {
		method: 'cell-key',
		smallCell: { min: 1, max: 10 },
		perturbation: { maxAbs: 5 },
		zeroPublished: true,
		sensitiveCategories: CATEGORIES.filter((c) => c.sensitive).map((c) => c.id),
		notes: { es: '', en: '' }
	}
};

/** Homicides per municipality in a month: every municipality's share turns with the month. */
export function homicides(month: string): Record<string, number> {
	const m = Number(month.slice(5, 7));
	return Object.fromEntries(MUNICIPALITIES.map((x, i) => [x.code, ((m + i) % 4) * 10 + i]));
}

export type FakeApi = { fetch: typeof fetch; calls: string[] };

export function fakeApi({ role = null as string | null } = {}): FakeApi {
	const calls: string[] = [];
	const json = (body: unknown, status = 200) =>
		new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
	const answer = (url: URL): Response => {
		switch (url.pathname) {
			case '/api/municipalities':
				return json({ municipalities: MUNICIPALITIES });
			case '/api/boundaries/municipalities':
				return json(topology({ municipalities: SHAPES }));
			case '/api/boundaries/departments':
				return json(topology({ departments: DEPARTMENTS }));
			case '/api/stats/extent':
				return json({
					from: '2019-01',
					to: '2019-12',
					categories: {
						homicide: { from: '2019-01', to: '2019-12' },
						'illicit-crops': { from: '2019-01', to: '2019-12' }
					},
					attributions: { homicide: ['Fuente: Policía Nacional – DIJIN, SIEDCO'] },
					yearly: []
				});
			case '/api/public/dictionary':
				return json(PUBLIC_DICTIONARY);
			case '/api/auth/me':
				return json({ user: role ? { role } : null });
			case '/api/surveys/waves':
				return json({ from: '2020-01', to: '2020-09', demo: true });
			case '/api/dialogues':
				return json({ dialogues: [] });
			case '/api/stats/municipalities': {
				const counts = homicides(url.searchParams.get('from') ?? '2019-01');
				const values = MUNICIPALITIES.map((m) => ({
					code: m.code,
					population: m.population,
					value: counts[m.code]!,
					count: counts[m.code]!
				}));
				return json({
					measure: 'count',
					unit: 'victims',
					categories: (url.searchParams.get('category') ?? '').split(','),
					from: url.searchParams.get('from'),
					to: url.searchParams.get('to'),
					total: values.reduce((a, v) => a + v.value, 0),
					values,
					release: 1,
					// What the server says of a homicide figure: Police homicides cover 2003–2024.
					...figureNotes(
						[['homicide', HOMICIDE_COVERAGE]],
						{ years: [], byYear: new Map(), census: [] },
						monthIndex(url.searchParams.get('from') ?? '2019-01'),
						monthIndex(url.searchParams.get('to') ?? '2019-12')
					)
				});
			}
			case '/api/surveys/municipalities':
				return json({
					values: MUNICIPALITIES.slice(0, 2).map((m, i) => ({
						code: m.code,
						n: 50,
						interval: { estimate: 2 + i, low: 1.8 + i, high: 2.2 + i },
						shrunk: 2 + i,
						change: null
					}))
				});
			case '/api/municipalities/05001':
				return json({
					municipality: {
						...MUNICIPALITIES[0],
						officialName: 'Medellín',
						households: 815493,
						densityPerKm2: 6329.6,
						point: { lon: -75.56, lat: 6.25 },
						bbox: [-75.7, 6.1, -75.4, 6.4],
						isIsland: false,
						neighbours: [
							{
								code: '05002',
								name: 'Abejorral',
								department: MUNICIPALITIES[1]!.department,
								sharesEdge: true
							}
						]
					}
				});
			default:
				return json({ error: { code: 'not_found', message: url.pathname } }, 404);
		}
	};
	const fake = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
		const url = new URL(
			typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
			'http://localhost'
		);
		calls.push(`${url.pathname}${url.search}`);
		if (init?.signal?.aborted) return Promise.reject(new DOMException('Aborted', 'AbortError'));
		return Promise.resolve(answer(url));
	};
	return { fetch: fake as typeof fetch, calls };
}
