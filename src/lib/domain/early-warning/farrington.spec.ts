import { describe, expect, it } from 'vitest';
import reference from '../../../../tests/farrington/farrington.expected.json';
import { monthIndex } from '../monthly-cube';
import { seededRandom } from '../random';
import { anomalyRule, farringtonFlexible, limit54Met, type FarringtonOptions } from './farrington';
import { anomalyRule as reExported } from './rules';

const configs = reference.configs as Record<string, Partial<FarringtonOptions>>;
const series = new Map(reference.series.map((s) => [s.id, s]));

function evaluate(row: (typeof reference.results)[number]) {
	const s = series.get(row.series)!;
	return farringtonFlexible(s.counts.slice(0, row.k), monthIndex(s.first), configs[row.config]);
}

/**
 * Relative tolerance: 1e-9 on the real series (the port agrees to ~1e-13), 1e-6 on the synthetic
 * degenerate ones, where seasonal levels without a case make R's IRLS stop while their coefficients
 * still drift towards −∞, so the last digits depend on rounding (QR in R, Cholesky here).
 */
const tolerance = (series: string) => (series.startsWith('synthetic') ? 1e-6 : 1e-9);

function expectRelative(actual: number, expected: number, what: string, relative = 1e-9) {
	expect(Math.abs(actual - expected), `${what}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(
		relative * Math.abs(expected)
	);
}

describe(`farringtonFlexible against R (${reference.versions.surveillance}, ${reference.versions.r})`, () => {
	for (const config of Object.keys(configs)) {
		it(`gives R's expected values, upper bounds, alarms and trends (${config})`, () => {
			const rows = reference.results.filter((row) => row.config === config);
			expect(rows.length).toBe(reference.series.length * 36);
			for (const row of rows) {
				const what = `${row.series} k=${row.k} ${config}`;
				const result = evaluate(row);
				expect(result, what).not.toBeNull();
				expect(result!.observed, what).toBe(row.observed);
				const relative = tolerance(row.series);
				expectRelative(result!.upperbound, row.upperbound!, `${what} upperbound`, relative);
				expectRelative(result!.expected, row.expected!, `${what} expected`, relative);
				expectRelative(result!.phi, row.phi!, `${what} phi`, relative);
				expect(Math.abs(result!.pvalue - row.pvalue!), `${what} pvalue`).toBeLessThanOrEqual(
					relative * Math.max(row.pvalue!, 1e-3)
				);
				expect(result!.trendUsed, `${what} trend`).toBe(row.trend);
				if (row.trend)
					expectRelative(
						result!.trendCoefficient!,
						row.trendCoefficient!,
						`${what} trend coefficient`,
						relative
					);
				else expect(result!.trendCoefficient).toBeNull();
				expect(result!.enoughCases, `${what} limit54`).toBe(!row.masked);
				expect(result!.alarm, `${what} alarm`).toBe(row.alarm);
			}
		});
	}

	it('covers a kept and a dropped trend, alarms, the limit54 mask and active reweighting', () => {
		const rows = reference.results.filter((row) => row.config === 'default');
		expect(rows.some((row) => row.trend)).toBe(true);
		expect(rows.some((row) => !row.trend)).toBe(true);
		expect(rows.some((row) => row.alarm)).toBe(true);
		expect(rows.some((row) => row.masked)).toBe(true);
		// Reweighting is active where it down-weights a past month, and R's bound then differs from
		// the unweighted fit's.
		const unweighted = new Map(
			reference.results
				.filter((row) => row.config === 'noReweight')
				.map((row) => [`${row.series} ${row.k}`, row.upperbound!])
		);
		const active = rows.filter((row) => evaluate(row)!.downweighted > 0);
		expect(active.length).toBeGreaterThan(0);
		expect(
			active.some(
				(row) =>
					Math.abs(row.upperbound! - unweighted.get(`${row.series} ${row.k}`)!) > 1e-3 * row.upperbound!
			)
		).toBe(true);
	});
});

describe('farringtonFlexible on its own', () => {
	const first = monthIndex('2010-01');
	const random = seededRandom(16);
	/** Poisson draws by inversion, mean 6 with a mild season. */
	const baseline = Array.from({ length: 120 }, (_, t) => {
		const mean = 6 * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12));
		let k = 0;
		let p = Math.exp(-mean);
		let sum = p;
		const u = random();
		while (u > sum) {
			k++;
			p *= mean / k;
			sum += p;
		}
		return k;
	});

	it('needs five years and w + 1 months of history, and a count for the month evaluated', () => {
		expect(farringtonFlexible(baseline.slice(0, 63), first)).toBeNull();
		expect(farringtonFlexible(baseline.slice(0, 64), first)).not.toBeNull();
		expect(farringtonFlexible([...baseline.slice(0, 80), NaN], first)).toBeNull();
		expect(farringtonFlexible(baseline, first)!.monthIndex).toBe(first + 119);
	});

	it('raises an alarm on a tripled month and not on an ordinary one', () => {
		const ordinary = farringtonFlexible(baseline, first)!;
		expect(ordinary.alarm).toBe(false);
		expect(ordinary.expected).toBeGreaterThan(2);
		const spike = [...baseline.slice(0, 119), Math.round(3 * ordinary.upperbound)];
		const result = farringtonFlexible(spike, first)!;
		expect(result.upperbound).toBe(ordinary.upperbound); // the month itself is not in the fit
		expect(result.alarm).toBe(true);
		expect(result.score).toBeGreaterThan(1);
	});

	it('down-weights a past outbreak so that it does not lift the baseline', () => {
		const withOutbreak = baseline.map((count, t) => (t === 95 ? count + 60 : count));
		const reweighted = farringtonFlexible(withOutbreak, first)!;
		const naive = farringtonFlexible(withOutbreak, first, { reweight: false })!;
		expect(reweighted.downweighted).toBeGreaterThan(0);
		expect(reweighted.upperbound).toBeLessThan(naive.upperbound);
	});

	it('needs limit54 cases for an alarm, however low the bound', () => {
		const quiet = [...Array.from({ length: 79 }, () => 0), 4];
		const result = farringtonFlexible(quiet, first)!;
		expect(result.observed).toBeGreaterThan(result.upperbound);
		expect(result.enoughCases).toBe(false);
		expect(result.alarm).toBe(false);
		expect(anomalyRule(quiet, first)!.alert).toBe(false);
		expect(farringtonFlexible([...quiet.slice(0, 79), 5], first)!.alarm).toBe(true);
	});

	it('treats missing months as R treats NA: out of the fit, and no alarm right after a gap', () => {
		const gap = baseline.map((count, t) => (t >= 60 && t < 84 ? NaN : count));
		const result = farringtonFlexible(gap, first)!;
		expect(result.referencePeriods).toBeLessThan(farringtonFlexible(baseline, first)!.referencePeriods);
		const recentGap = [...baseline.slice(0, 117), NaN, 6, 40];
		expect(farringtonFlexible(recentGap, first)!.enoughCases).toBe(false);
	});
});

describe('reused working memory', () => {
	it('gives the same result whatever was evaluated before (longer series, other options)', () => {
		const [a, b] = reference.series;
		const first = monthIndex(a!.first);
		const once = farringtonFlexible(a!.counts.slice(0, 100), first);
		farringtonFlexible([...b!.counts, ...b!.counts], first, { noPeriods: 1 });
		farringtonFlexible(b!.counts, first, { reweight: false, thresholdMethod: 'nbPlugin' });
		expect(farringtonFlexible(a!.counts.slice(0, 100), first)).toEqual(once);
	});
});

describe('limit54Met', () => {
	it('counts the last 4 periods, the current one included', () => {
		expect(limit54Met([9, 9, 1, 1, 1, 2])).toBe(true);
		expect(limit54Met([9, 9, 1, 1, 1, 1])).toBe(false);
		expect(limit54Met([5])).toBe(false);
		expect(limit54Met([0, 0, NaN, 9])).toBe(false);
		expect(limit54Met([0, 3, 0], [3, 2])).toBe(true);
	});
});

describe('anomalyRule', () => {
	it("is farringtonFlexible's verdict as a rule result, exported by rules.ts too", () => {
		expect(reExported).toBe(anomalyRule);
		for (const row of reference.results.filter((r) => r.config === 'default')) {
			const s = series.get(row.series)!;
			const rule = anomalyRule(s.counts.slice(0, row.k), monthIndex(s.first))!;
			expect(rule.rule).toBe('anomaly');
			expect(rule.current).toBe(row.observed);
			expectRelative(rule.baseline, row.expected!, 'baseline', tolerance(row.series));
			expectRelative(rule.threshold, row.upperbound!, 'threshold', tolerance(row.series));
			expect(rule.alert).toBe(row.alarm);
		}
	});

	it('is null without enough history', () => {
		expect(anomalyRule([1, 2, 3], monthIndex('2024-01'))).toBeNull();
	});
});
