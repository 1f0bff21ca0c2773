import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISCLOSURE, SENSITIVE_CATEGORY_IDS, type DisclosureConfig } from '../config/disclosure';
import {
	assertPublicQuery,
	discloseCount,
	discloseRate,
	discloseTable,
	DisclosureError,
	monthsOf,
	parsePeriod,
	publicCategories,
	publicPeriod,
	quarterOf,
	type Dimension,
	type DisclosedTable,
	type Margin,
	type TableCell
} from './disclosure';
import {
	alternativeExists,
	attackView,
	linearAttack,
	peelingAttack,
	type AttackView
} from './disclosure.attacker';

/** Every entry of a table (cells and totals) with its true value, keyed as the attacker keys them. */
function truthOf(cells: TableCell[], spec: { dimensions: readonly Dimension[]; totals?: readonly Margin[] }) {
	const everything = discloseTable(cells, {
		...spec,
		config: { ...DISCLOSURE, smallCell: { min: 1e9, max: 1e9 } }
	});
	const view = attackView(everything, spec.dimensions);
	return new Map([...view.entries.values()].map((e) => [e.id, e.value!]));
}

function publishedValues(table: DisclosedTable): number[] {
	return [...table.cells, ...table.totals].flatMap((e) => ('value' in e ? [e.value] : []));
}

function suppressedIds(view: AttackView): string[] {
	return [...view.entries.values()].filter((e) => e.value === null).map((e) => e.id);
}

/** A table with only its small entries hidden: what a naive publisher would do. */
function naive(cells: TableCell[], spec: { dimensions: readonly Dimension[]; totals?: readonly Margin[] }) {
	const table = discloseTable(cells, {
		...spec,
		config: { ...DISCLOSURE, smallCell: { min: 1e9, max: 1e9 } }
	});
	const hide = <T extends DisclosedTable['cells'][number] | DisclosedTable['totals'][number]>(e: T): T => {
		if (!('value' in e) || e.value < 1 || e.value > 10) return e;
		const { value: _value, ...rest } = e;
		return { ...rest, suppressed: true, display: '1–10', reason: 'small' } as T;
	};
	return { ...table, cells: table.cells.map(hide), totals: table.totals.map(hide) };
}

const cell = (key: Record<string, string>, value: number): TableCell => ({ key, value });

describe('small counts', () => {
	it('shows 1 to 10 as "1–10" and publishes 0 and 11', () => {
		expect(discloseCount(0)).toEqual({ value: 0 });
		expect(discloseCount(1)).toEqual({ suppressed: true, display: '1–10', reason: 'small' });
		expect(discloseCount(10)).toEqual({ suppressed: true, display: '1–10', reason: 'small' });
		expect(discloseCount(11)).toEqual({ value: 11 });
	});

	it('suppresses a rate computed from a suppressed count, and computes the others', () => {
		expect(discloseRate(discloseCount(4), 20_000)).toMatchObject({ suppressed: true, display: '1–10' });
		expect(discloseRate(discloseCount(30), 200_000)).toEqual({ value: 15 });
		expect(() => discloseRate(discloseCount(30), 0)).toThrow(DisclosureError);
	});

	it('takes its thresholds from the config', () => {
		const strict: DisclosureConfig = { ...DISCLOSURE, smallCell: { min: 1, max: 20 } };
		expect(discloseCount(15, strict)).toMatchObject({ suppressed: true, display: '1–20' });
		expect(() =>
			discloseTable([cell({ a: 'x' }, 1)], {
				dimensions: ['a'],
				config: { ...DISCLOSURE, smallCell: { min: 0, max: 10 } }
			})
		).toThrow(/small-cell range/);
	});

	it('refuses negative and fractional counts', () => {
		expect(() => discloseCount(-1)).toThrow(DisclosureError);
		expect(() => discloseTable([cell({ a: 'x' }, 2.5)], { dimensions: ['a'] })).toThrow(DisclosureError);
	});
});

describe('complementary suppression, fixed examples', () => {
	it('categories of a municipality with their total: the small one cannot be subtracted out', () => {
		const spec = { dimensions: ['category'], totals: [{ category: 'all' }] } as const;
		const cells = [
			cell({ category: 'homicide' }, 7),
			cell({ category: 'theft' }, 25),
			cell({ category: 'extortion' }, 40)
		];

		// A naive publisher hides only the 7: 72 − 25 − 40 gives it back.
		const broken = attackView(naive(cells, spec), spec.dimensions);
		expect([...peelingAttack(broken).values()]).toEqual([7]);

		const table = discloseTable(cells, spec);
		expect(table.cells).toEqual([
			{ key: { category: 'homicide' }, suppressed: true, display: '1–10', reason: 'small' },
			{ key: { category: 'theft' }, suppressed: true, display: '>10', reason: 'complementary' },
			{ key: { category: 'extortion' }, value: 40 }
		]);
		expect(table.totals).toEqual([{ margin: { category: 'all' }, key: { category: null }, value: 72 }]);
		const view = attackView(table, spec.dimensions);
		expect(peelingAttack(view).size).toBe(0);
		expect(linearAttack(view).size).toBe(0);
		expect(alternativeExists(view, truthOf(cells, spec), 'cell:["homicide"]')).toBe(true);
	});

	it('months × categories with every total: no suppressed cell is recovered along rows, columns or both', () => {
		const spec = {
			dimensions: ['month', 'category'],
			totals: [{ month: 'all' }, { category: 'all' }, { month: 'all', category: 'all' }]
		} as const;
		const values = [
			[3, 40, 22],
			[15, 18, 31],
			[27, 12, 0]
		];
		const cells = values.flatMap((row, i) =>
			row.map((v, j) => cell({ month: `2024-0${i + 1}`, category: `c${j}` }, v))
		);
		expect(peelingAttack(attackView(naive(cells, spec), spec.dimensions)).size).toBeGreaterThan(0);

		const table = discloseTable(cells, spec);
		const view = attackView(table, spec.dimensions);
		expect(publishedValues(table).every((v) => v === 0 || v > 10)).toBe(true);
		expect(peelingAttack(view).size).toBe(0);
		expect(linearAttack(view).size).toBe(0);
		const truth = truthOf(cells, spec);
		for (const id of suppressedIds(view)) expect(alternativeExists(view, truth, id)).toBe(true);
		// The zero is published and never used as a complement.
		expect(table.cells.find((c) => c.key.month === '2024-03' && c.key.category === 'c2')).toMatchObject({
			value: 0
		});
	});

	it('a small total hides its parts too and is itself protected by the totals above it', () => {
		const spec = { dimensions: ['municipality'], totals: [{ municipality: 'all' }] } as const;
		const cells = [cell({ municipality: '52835' }, 4), cell({ municipality: '52001' }, 3)];
		const table = discloseTable(cells, spec);
		expect(table.totals[0]).toMatchObject({ suppressed: true, display: '1–10' });
		expect(table.cells.every((c) => 'suppressed' in c)).toBe(true);
		const view = attackView(table, spec.dimensions);
		const truth = truthOf(cells, spec);
		for (const id of suppressedIds(view)) expect(alternativeExists(view, truth, id)).toBe(true);
	});

	it('withholds a table whose structure alone gives the small counts away', () => {
		// Ten suppressed cells, each at least 1, under a total of at most 10: all must be 1.
		const spec = { dimensions: ['category'], totals: [{ category: 'all' }] } as const;
		const cells = Array.from({ length: 10 }, (_, i) => cell({ category: `c${i}` }, 1));
		const table = discloseTable(cells, spec);
		expect(table.withheld).toBe(true);
		expect([...table.cells, ...table.totals].every((e) => 'suppressed' in e && e.display === '—')).toBe(true);
	});

	it('protects months inside their quarter and year when all three are published together', () => {
		const month = { name: 'month', groupOf: quarterOf };
		const spec = { dimensions: [month], totals: [{ month: 'group' }, { month: 'all' }] } as const;
		const counts = [14, 2, 30, 25, 18, 0, 12, 40, 22, 19, 16, 21];
		const cells = counts.map((v, i) => cell({ month: `2024-${String(i + 1).padStart(2, '0')}` }, v));
		const table = discloseTable(cells, spec);
		const view = attackView(table, spec.dimensions);
		expect(peelingAttack(view).size).toBe(0);
		expect(linearAttack(view).size).toBe(0);
		const truth = truthOf(cells, spec);
		for (const id of suppressedIds(view)) expect(alternativeExists(view, truth, id)).toBe(true);
		// The quarter that holds the 2 keeps a published total where a month inside it can give way instead.
		expect(table.totals.filter((t) => t.margin.month === 'group').map((t) => t.key.month)).toEqual([
			'2024-Q1',
			'2024-Q2',
			'2024-Q3',
			'2024-Q4'
		]);
	});

	it('differencing two separately protected queries at two grains recovers a month; one table does not', () => {
		// The attack the fixed grid alone cannot stop: a quarter's total from one query, its months from another.
		const months = [
			cell({ month: '2024-01' }, 6),
			cell({ month: '2024-02' }, 14),
			cell({ month: '2024-03' }, 20)
		];
		const quarterAlone = discloseTable([cell({ month: '2024-Q1' }, 40)], { dimensions: ['month'] });
		const monthsAlone = discloseTable(months, { dimensions: ['month'] });
		const published = publishedValues(monthsAlone);
		expect((quarterAlone.cells[0] as { value: number }).value - published.reduce((a, b) => a + b, 0)).toBe(6);

		// Published from one table with the quarter as a total, the month stays hidden.
		const spec = {
			dimensions: [{ name: 'month', groupOf: quarterOf }],
			totals: [{ month: 'group' }]
		} as const;
		const table = discloseTable(months, spec);
		const view = attackView(table, spec.dimensions);
		expect(peelingAttack(view).size).toBe(0);
		expect(linearAttack(view).size).toBe(0);
	});

	it('handles three dimensions with a department grouping and mixed totals', () => {
		const municipality = { name: 'municipality', groupOf: (code: string) => code.slice(0, 2) };
		const spec = {
			dimensions: [municipality, 'category', 'quarter'],
			totals: [
				{ category: 'all' },
				{ municipality: 'group' },
				{ municipality: 'group', category: 'all' },
				{ quarter: 'all' }
			]
		} as const;
		const codes = ['52835', '52001', '05001', '05120'];
		let seed = 7;
		const next = () => (seed = (seed * 48271) % 2147483647) % 30;
		const cells = codes.flatMap((m) =>
			['theft', 'homicide'].flatMap((c) =>
				['Q1', 'Q2'].map((q) => cell({ municipality: m, category: c, quarter: q }, next()))
			)
		);
		const table = discloseTable(cells, spec);
		const view = attackView(table, spec.dimensions);
		expect(publishedValues(table).every((v) => v === 0 || v > 10)).toBe(true);
		expect(peelingAttack(view).size).toBe(0);
		expect(linearAttack(view).size).toBe(0);
	});

	it('rejects malformed tables', () => {
		expect(() => discloseTable([], { dimensions: [] })).toThrow(/at least one dimension/);
		expect(() => discloseTable([cell({ a: 'x' }, 1), cell({ a: 'x' }, 2)], { dimensions: ['a'] })).toThrow(
			/Two cells/
		);
		expect(() => discloseTable([cell({ a: 'x' }, 1)], { dimensions: ['a'], totals: [{ b: 'all' }] })).toThrow(
			/unknown dimension/
		);
		expect(() =>
			discloseTable([cell({ a: 'x' }, 1)], { dimensions: ['a'], totals: [{ a: 'group' }] })
		).toThrow(/no groups/);
		expect(() => discloseTable([cell({ b: 'x' }, 1)], { dimensions: ['a'] })).toThrow(/has no a/);
	});

	it('publishes every total of its domain, zeros included', () => {
		const table = discloseTable([cell({ category: 'theft', month: '2024-01' }, 30)], {
			dimensions: ['category', 'month'],
			totals: [{ month: 'all' }],
			domains: { category: ['theft', 'homicide'] }
		});
		expect(table.totals).toEqual([
			{ margin: { category: 'each', month: 'all' }, key: { category: 'theft', month: null }, value: 30 },
			{ margin: { category: 'each', month: 'all' }, key: { category: 'homicide', month: null }, value: 0 }
		]);
	});
});

// ---------------------------------------------------------------------------------------------
// Random tables: the differencing attacks must fail on every one.

type RandomTable = { cells: TableCell[]; dimensions: Dimension[]; totals: Margin[] };

/** Counts skewed towards the dangerous range: zeros, small counts, and a few large ones. */
const count = fc.oneof(
	{ weight: 2, arbitrary: fc.constant(0) },
	{ weight: 5, arbitrary: fc.integer({ min: 1, max: 10 }) },
	{ weight: 4, arbitrary: fc.integer({ min: 11, max: 60 }) }
);

function randomTable(maxSize: number, maxDims: number): fc.Arbitrary<RandomTable> {
	return fc
		.record({
			sizes: fc.array(fc.integer({ min: 1, max: maxSize }), { minLength: 1, maxLength: maxDims }),
			grouped: fc.boolean(),
			levelChoices: fc.array(
				fc.array(fc.constantFrom<'each' | 'group' | 'all'>('each', 'group', 'all'), {
					minLength: 3,
					maxLength: 3
				}),
				{
					maxLength: 4
				}
			)
		})
		.chain(({ sizes, grouped, levelChoices }) => {
			const total = sizes.reduce((a, b) => a * b, 1);
			return fc.array(count, { minLength: total, maxLength: total }).map((values) => {
				const dimensions: Dimension[] = sizes.map((_, d) =>
					d === 0 && grouped ? { name: 'd0', groupOf: (v: string) => `g${Number(v.slice(1)) % 2}` } : `d${d}`
				);
				const cells: TableCell[] = values.map((value, i) => {
					const key: Record<string, string> = {};
					let rest = i;
					sizes.forEach((size, d) => {
						key[`d${d}`] = `v${rest % size}`;
						rest = Math.floor(rest / size);
					});
					return { key, value };
				});
				const totals: Margin[] = levelChoices.map((choice) =>
					Object.fromEntries(
						sizes.map((_, d) => [
							`d${d}`,
							choice[d] === 'group' && !(d === 0 && grouped) ? 'all' : choice[d]!
						])
					)
				);
				return { cells, dimensions, totals };
			});
		});
}

describe('differencing attacks on random tables (fast-check)', () => {
	it('never publishes a value between 1 and 10, and publishes true values', () => {
		fc.assert(
			fc.property(randomTable(5, 3), ({ cells, dimensions, totals }) => {
				const table = discloseTable(cells, { dimensions, totals });
				const truth = truthOf(cells, { dimensions, totals });
				const view = attackView(table, dimensions);
				for (const e of view.entries.values()) {
					if (e.value === null) continue;
					expect(e.value === 0 || e.value > 10).toBe(true);
					expect(e.value).toBe(truth.get(e.id));
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('no suppressed count is recovered by subtracting published cells and totals along any dimension', () => {
		fc.assert(
			fc.property(randomTable(5, 3), ({ cells, dimensions, totals }) => {
				const view = attackView(discloseTable(cells, { dimensions, totals }), dimensions);
				expect([...peelingAttack(view).keys()]).toEqual([]);
			}),
			{ numRuns: 300 }
		);
	});

	it('no suppressed count is recovered by any linear combination of published values', () => {
		fc.assert(
			fc.property(randomTable(4, 3), ({ cells, dimensions, totals }) => {
				const view = attackView(discloseTable(cells, { dimensions, totals }), dimensions);
				expect([...linearAttack(view).keys()]).toEqual([]);
			}),
			{ numRuns: 200 }
		);
	});

	it('for small tables, every suppressed small count has another value consistent with all the public knows', () => {
		fc.assert(
			fc.property(randomTable(3, 2), ({ cells, dimensions, totals }) => {
				const table = discloseTable(cells, { dimensions, totals });
				const view = attackView(table, dimensions);
				const truth = truthOf(cells, { dimensions, totals });
				for (const e of view.entries.values()) {
					if (e.value !== null || e.bounds.high !== 10) continue;
					expect(alternativeExists(view, truth, e.id), e.id).toBe(true);
				}
			}),
			{ numRuns: 150 }
		);
	});

	it('the attacks themselves work: a naive publication of the same tables is often broken', () => {
		let broken = 0;
		fc.assert(
			fc.property(randomTable(4, 2), ({ cells, dimensions, totals }) => {
				if (peelingAttack(attackView(naive(cells, { dimensions, totals }), dimensions)).size > 0) broken++;
			}),
			{ numRuns: 200, seed: 42 }
		);
		expect(broken).toBeGreaterThan(20);
	});
});

describe('sensitive categories', () => {
	it('are public only per department or nation and per quarter or year', () => {
		for (const category of SENSITIVE_CATEGORY_IDS) {
			expect(() =>
				assertPublicQuery({ categories: [category], geography: 'department', grain: 'quarter' })
			).not.toThrow();
			expect(() =>
				assertPublicQuery({ categories: [category], geography: 'nation', grain: 'year' })
			).not.toThrow();
			expect(() =>
				assertPublicQuery({ categories: [category], geography: 'municipality', grain: 'year' })
			).toThrow(DisclosureError);
			expect(() =>
				assertPublicQuery({ categories: [category], geography: 'department', grain: 'month' })
			).toThrow(/only per department or nation and per quarter or year/);
		}
		expect(() =>
			assertPublicQuery({ categories: ['theft'], geography: 'municipality', grain: 'month' })
		).not.toThrow();
	});

	it('are left out of municipal or monthly tables, so that a total cannot reveal them', () => {
		const all = ['theft', 'sexual-violence', 'homicide', 'forced-recruitment'];
		expect(publicCategories(all, { geography: 'municipality', grain: 'quarter' })).toEqual([
			'theft',
			'homicide'
		]);
		expect(publicCategories(all, { geography: 'department', grain: 'month' })).toEqual(['theft', 'homicide']);
		expect(publicCategories(all, { geography: 'department', grain: 'year' })).toEqual(all);
	});
});

describe('the public period grid', () => {
	it('reads months, quarters and years with their exclusive ends', () => {
		expect(parsePeriod('2024-12')).toEqual({
			grain: 'month',
			id: '2024-12',
			start: '2024-12-01',
			end: '2025-01-01'
		});
		expect(parsePeriod('2024-Q2')).toEqual({
			grain: 'quarter',
			id: '2024-Q2',
			start: '2024-04-01',
			end: '2024-07-01'
		});
		expect(parsePeriod('2024')).toEqual({
			grain: 'year',
			id: '2024',
			start: '2024-01-01',
			end: '2025-01-01'
		});
		expect(monthsOf(parsePeriod('2024-Q4')!)).toEqual(['2024-10', '2024-11', '2024-12']);
		expect(quarterOf('2024-05')).toBe('2024-Q2');
	});

	it.each([
		'2024-01/2024-03',
		'2024-01-15',
		'2024-13',
		'2024-Q5',
		'24',
		'2024-1',
		'1850',
		' 2024',
		'2024-02..2024-03'
	])('refuses %s: not a cell of the grid', (value) => {
		expect(parsePeriod(value)).toBeNull();
		expect(() => publicPeriod(DISCLOSURE.publicGrains, value)).toThrow(DisclosureError);
	});

	it('refuses grains a query does not allow', () => {
		expect(() => publicPeriod(DISCLOSURE.sensitive.grains, '2024-03')).toThrow(/quarter or year, not month/);
		expect(publicPeriod(DISCLOSURE.sensitive.grains, '2024-Q1').grain).toBe('quarter');
	});

	it('grid cells never overlap partially: any two are nested or disjoint, so none is a difference of others', () => {
		const period = fc.oneof(
			fc
				.tuple(fc.integer({ min: 2020, max: 2025 }), fc.integer({ min: 1, max: 12 }))
				.map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
			fc
				.tuple(fc.integer({ min: 2020, max: 2025 }), fc.integer({ min: 1, max: 4 }))
				.map(([y, q]) => `${y}-Q${q}`),
			fc.integer({ min: 2020, max: 2025 }).map(String)
		);
		fc.assert(
			fc.property(period, period, (a, b) => {
				const [p, q] = [publicPeriod(DISCLOSURE.publicGrains, a), publicPeriod(DISCLOSURE.publicGrains, b)];
				const disjoint = p.end <= q.start || q.end <= p.start;
				const nested = (p.start <= q.start && q.end <= p.end) || (q.start <= p.start && p.end <= q.end);
				expect(disjoint || nested).toBe(true);
			})
		);
	});
});
