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
/** Runs of the cheap rules and of the Farrington ones. */
const RUNS = { cheap: 21, model: 3 };

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

type Run = { times: number[]; cpu: number[]; alerts: number };

/** Wall and CPU (user + system) milliseconds of `runs` runs after a warm-up: CPU time is the steadier figure on a shared machine. */
function sample(run: () => number, runs: number): Run {
	run(); // warm-up
	const out: Run = { times: [], cpu: [], alerts: 0 };
	for (let i = 0; i < runs; i++) {
		const cpu = process.cpuUsage();
		const start = performance.now();
		out.alerts = run();
		out.times.push(performance.now() - start);
		const used = process.cpuUsage(cpu);
		out.cpu.push((used.user + used.system) / 1000);
	}
	return out;
}

export function alertRuleFigures(): Figure[] {
	const series = syntheticSeries();
	const first = monthIndex('2010-01');
	const count = (rule: (s: Float64Array) => { alert: boolean } | null) => () => {
		let alerts = 0;
		for (const s of series) if (rule(s)?.alert) alerts++;
		return alerts;
	};
	const threat = sample(count(threatRule), RUNS.cheap);
	const change = sample(
		count((s) => changeRule(s, 12)),
		RUNS.cheap
	);
	const anomaly = sample(
		count((s) => anomalyRule(s, first)),
		RUNS.model
	);
	// What a caller that only wants alerts can do: no model where limit54 rules an alert out.
	const possible = series.filter((s) => limit54Met(s)).length;
	const anomalyWhereItCanAlert = sample(
		count((s) => (limit54Met(s) ? anomalyRule(s, first) : null)),
		RUNS.model
	);
	const all = sample(() => {
		let alerts = 0;
		for (const s of series) {
			if (threatRule(s)?.alert) alerts++;
			if (changeRule(s, 12)?.alert) alerts++;
			if (anomalyRule(s, first)?.alert) alerts++;
		}
		return alerts;
	}, RUNS.model);
	const base = median(threat.cpu);
	const label = `${series.length.toLocaleString('en')} series × ${MONTHS} months`;
	const figure = (measure: string, run: Run, target = '') => ({
		measure,
		value: ms(median(run.times)),
		note: `median wall, ${spread(run.times)}; CPU ${ms(median(run.cpu))}, ${(median(run.cpu) / base).toFixed(1)} × the threat rule's; ${run.alerts.toLocaleString('en')} alerts${target}`
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
