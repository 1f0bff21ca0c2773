import { CATEGORY_IDS } from '../../src/lib/domain/categories';
import { anomalyRule, limit54Met } from '../../src/lib/domain/early-warning/farrington';
import { changeRule, threatRule } from '../../src/lib/domain/early-warning/rules';
import { monthIndex } from '../../src/lib/domain/monthly-cube';
import { seededRandom } from '../../src/lib/domain/random';
import { median, ms, spread } from './stats';
import type { Bench, Figure } from './types';

/**
 * The early-warning rules (issue 16) for one month over every municipality and category, in
 * process: 1,122 × 16 monthly series of 180 months (2010-01 – 2024-12), generated here (BENCHMARK
 * DATA ONLY, seeded, never stored): Poisson counts around a per-series level spread over four
 * orders of magnitude (most small municipalities see a few cases a year), a yearly season, a slow
 * trend and the odd outbreak month. The threat rule alone is the baseline the Farrington anomaly
 * rule (one to four quasi-Poisson fits per series) is compared with. Target: all rules < 1 s.
 */

const MUNICIPALITIES = 1_122;
const MONTHS = 180;
const RUNS = 3;

function poisson(random: () => number, mean: number): number {
	if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
	let k = 0;
	let p = Math.exp(-mean);
	let sum = p;
	const u = random();
	while (u > sum && k < 1000) {
		k++;
		p *= mean / k;
		sum += p;
	}
	return k;
}

function gaussian(random: () => number): number {
	return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function syntheticSeries(seed = 16): Float64Array[] {
	const random = seededRandom(seed);
	const series: Float64Array[] = [];
	for (let i = 0; i < MUNICIPALITIES * CATEGORY_IDS.length; i++) {
		const level = Math.exp(-1.5 + 1.6 * gaussian(random));
		const phase = random() * 2 * Math.PI;
		const trend = (random() - 0.5) * 0.01;
		const counts = new Float64Array(MONTHS);
		for (let t = 0; t < MONTHS; t++) {
			const outbreak = random() < 0.01 ? 3 : 1;
			const mean =
				level * outbreak * Math.exp(trend * t) * (1 + 0.25 * Math.sin((2 * Math.PI * t) / 12 + phase));
			counts[t] = poisson(random, mean);
		}
		series.push(counts);
	}
	return series;
}

function time(run: () => number): { ms: number; alerts: number } {
	const start = performance.now();
	const alerts = run();
	return { ms: performance.now() - start, alerts };
}

function sample(run: () => number): { times: number[]; alerts: number } {
	run(); // warm-up
	const results = Array.from({ length: RUNS }, () => time(run));
	return { times: results.map((r) => r.ms), alerts: results[0]!.alerts };
}

export function alertRuleFigures(): Figure[] {
	const series = syntheticSeries();
	const first = monthIndex('2010-01');
	const count = (rule: (s: Float64Array) => { alert: boolean } | null) => () => {
		let alerts = 0;
		for (const s of series) if (rule(s)?.alert) alerts++;
		return alerts;
	};
	const threat = sample(count(threatRule));
	const change = sample(count((s) => changeRule(s, 12)));
	const anomaly = sample(count((s) => anomalyRule(s, first)));
	// What a caller that only wants alerts can do: no model where limit54 rules an alert out.
	const possible = series.filter((s) => limit54Met(s)).length;
	const anomalyWhereItCanAlert = sample(count((s) => (limit54Met(s) ? anomalyRule(s, first) : null)));
	const all = sample(() => {
		let alerts = 0;
		for (const s of series) {
			if (threatRule(s)?.alert) alerts++;
			if (changeRule(s, 12)?.alert) alerts++;
			if (anomalyRule(s, first)?.alert) alerts++;
		}
		return alerts;
	});
	const base = median(threat.times);
	const label = `${series.length.toLocaleString('en')} series × ${MONTHS} months`;
	const figure = (measure: string, run: { times: number[]; alerts: number }, target = '') => ({
		measure,
		value: ms(median(run.times)),
		note: `median, ${spread(run.times)}; ${(median(run.times) / base).toFixed(1)} × the threat rule; ${run.alerts.toLocaleString('en')} alerts${target}`
	});
	return [
		figure(`threat rule, ${label}`, threat),
		figure('change level (12 months)', change),
		figure('Farrington anomaly rule, every series', anomaly),
		figure(
			`Farrington anomaly rule, only the ${possible.toLocaleString('en')} series with ≥ 5 cases in 4 months`,
			anomalyWhereItCanAlert
		),
		figure('all three rules, every series', all, '; target < 1 s')
	];
}

export const alertRules: Bench = {
	name: 'alert-rules',
	title: 'Alert rules: all 1,122 municipalities × all categories for one month',
	run: () => Promise.resolve(alertRuleFigures())
};
