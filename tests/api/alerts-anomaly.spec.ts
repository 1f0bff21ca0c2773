import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { farringtonFlexible } from '../../src/lib/domain/early-warning/farrington';
import { importReports } from '../../src/lib/server/import/importer';
import { parseMapping } from '../../src/lib/server/import/mappings';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { addUser, createTestContext, loginAs } from './helpers';

/**
 * The Farrington anomaly rule inside the alert service (issue 16): seven years of monthly
 * homicides in Tumaco with a seasonal pattern, a lost month (a coverage gap, passed to the model
 * as missing) and a spike in December 2020. The expected bound is recomputed here from the rollup
 * table with the domain function (itself checked against R surveillance, tests/farrington).
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
let cookie = '';

const FIRST_YEAR = 2014;
const MONTHS = 7 * 12;
const GAP = '2016-03';

/** Tumaco: 6–10 a month with a yearly wave, 30 in December 2020. Pasto: 0 or 1 a month. */
function count(code: string, t: number): number {
	if (code === '52001') return t % 5 === 0 ? 1 : 0;
	if (t === MONTHS - 1) return 30;
	return 8 + Math.round(2 * Math.sin((2 * Math.PI * t) / 12)) + (t % 3 === 0 ? 1 : 0);
}

const label = (t: number) => `${FIRST_YEAR + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;

beforeAll(async () => {
	ctx = createTestContext();
	const mapping = parseMapping(
		{
			id: 't-anomaly',
			source: 't-anomaly',
			attribution: 'Fuente: prueba',
			category: { value: 'homicide' },
			municipality: { code: 'cod' },
			date: { column: 'fecha', format: 'YYYY-MM' },
			count: { column: 'n' },
			reference: { content: true },
			coverage: {
				from: label(0),
				to: label(MONTHS - 1),
				precision: 'month',
				absence: 'zero',
				gaps: [{ from: GAP, to: GAP }]
			}
		},
		't-anomaly'
	);
	const lines = ['cod,fecha,n'];
	for (let t = 0; t < MONTHS; t++) {
		if (label(t) === GAP) continue;
		for (const code of ['52835', '52001']) {
			const n = count(code, t);
			if (n > 0) lines.push(`${code},${label(t)},${n}`);
		}
	}
	const file = path.join(ctx.dir, 'anomaly.csv');
	fs.writeFileSync(file, lines.join('\n'));
	await importReports(
		{ db: ctx.db, resolvers: createResolverFactory(ctx.db, '/nonexistent') },
		{ file, mapping }
	);
	await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
	cookie = (await loginAs(ctx.api, 'planner@example.org')).cookie!;
});
afterAll(() => ctx.cleanup());

/** The 64 months ending with `month` of one municipality, the gap as NaN, from the rollup. */
function seriesFromRollup(code: string, month: string): Float64Array {
	const end = (Number(month.slice(0, 4)) - FIRST_YEAR) * 12 + Number(month.slice(5)) - 1;
	const counts = new Map(
		(
			ctx.db
				.prepare(
					"SELECT month, count FROM report_rollup WHERE category = 'homicide' AND municipality_code = ?"
				)
				.all(code) as { month: string; count: number }[]
		).map((r) => [r.month, r.count])
	);
	return Float64Array.from({ length: 64 }, (_, i) => {
		const m = label(end - 63 + i);
		return m === GAP ? NaN : (counts.get(m) ?? 0);
	});
}

const alertsOf = async (month: string) => {
	const res = await ctx.api.request(`/api/alerts?category=homicide&level=municipality&month=${month}`, {
		headers: { cookie }
	});
	expect(res.status).toBe(200);
	return ((await res.json()) as Json).alerts.filter((a: Json) => a.rule === 'anomaly') as Json[];
};

describe('the anomaly rule in GET /api/alerts', () => {
	it('flags the spike above Farrington’s bound, computed over a history with a gap', async () => {
		const [tumaco, ...others] = await alertsOf('2020-12');
		expect(others).toEqual([]);
		const expected = farringtonFlexible(seriesFromRollup('52835', '2020-12'), 0)!;
		expect(expected.alarm).toBe(true);
		expect(tumaco).toMatchObject({ code: '52835', month: '2020-12', current: 30 });
		expect(tumaco!.threshold).toBeCloseTo(expected.upperbound, 9);
		expect(tumaco!.baseline).toBeCloseTo(expected.expected, 9);
		expect(tumaco!.series).toHaveLength(64);
		// The history reaches back over March 2016, which no source covers: the place is not skipped.
		expect(tumaco!.series.map((p: Json) => p.period)).toContain(GAP);
	});

	it('stays quiet on an ordinary month and where 4 months hold fewer than 5 cases', async () => {
		expect(await alertsOf('2020-11')).toEqual([]);
		const pasto = farringtonFlexible(seriesFromRollup('52001', '2020-12'), 0);
		expect(pasto?.enoughCases ?? false).toBe(false);
	});

	it('needs 64 months: none before the fifth year of data', async () => {
		expect(await alertsOf('2018-12')).toEqual([]);
	});
});
