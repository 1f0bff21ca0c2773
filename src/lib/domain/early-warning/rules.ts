/**
 * Early-warning rules (issue 16), pure: each takes a municipality's or department's counts, oldest
 * first, ending with the period evaluated, and says whether the last period raises an alert.
 * The service (src/lib/server/alerts) feeds them exact restricted figures for the places a viewer
 * may see; nothing here knows about places, roles or the database.
 */

export type AlertRule = 'threat' | 'surge' | 'change' | 'anomaly';

/** ACLED Trendfinder's change levels. */
export type ChangeLevel =
	| 'large-increase'
	| 'moderate-increase'
	| 'no-change'
	| 'moderate-decrease'
	| 'large-decrease'
	| 'limited-change';

export type RuleResult = {
	rule: AlertRule;
	/** The evaluated period's count. */
	current: number;
	/** What the rule compares it with (a mean of previous periods, or a model's expectation). */
	baseline: number;
	/** The count at or above which (strictly above, for `anomaly`) the rule alerts. */
	threshold: number;
	alert: boolean;
	/** Only for `change`. */
	level?: ChangeLevel;
};

function mean(values: ArrayLike<number>, from: number, to: number): number {
	let sum = 0;
	for (let i = from; i < to; i++) sum += values[i]!;
	return sum / (to - from);
}

/**
 * ACLED's "threat" rule for monthly data (ACLED Conflict Alert System / subnational threat
 * tracker methodology): the month's count is at least twice the mean of the 12 previous months,
 * and that mean is at least 1 (so that 0 → 2 is not an alert). Null without 12 previous months.
 */
export function threatRule(monthly: ArrayLike<number>): RuleResult | null {
	const n = monthly.length;
	if (n < 13) return null;
	const current = monthly[n - 1]!;
	const baseline = mean(monthly, n - 13, n - 1);
	const threshold = 2 * baseline;
	return { rule: 'threat', current, baseline, threshold, alert: baseline >= 1 && current >= threshold };
}

/**
 * ACLED's "surge" rule for sources dated by day: the week's count is at least twice the mean of
 * the 4 previous weeks, and that mean is at least 1. Null without 4 previous weeks.
 */
export function surgeRule(weekly: ArrayLike<number>): RuleResult | null {
	const n = weekly.length;
	if (n < 5) return null;
	const current = weekly[n - 1]!;
	const baseline = mean(weekly, n - 5, n - 1);
	const threshold = 2 * baseline;
	return { rule: 'surge', current, baseline, threshold, alert: baseline >= 1 && current >= threshold };
}

/**
 * ACLED Trendfinder's change level against the mean of the `previous` periods before the last
 * (4 weeks or 12 months): above +25 % a large increase, +10 to +25 % moderate, symmetric for
 * decreases; with the low-baseline guard, a mean ≤ 2 and a current ≤ 5 is "limited change" whatever
 * the percentage. Alerts on increases only. Null without enough history.
 */
export function changeRule(series: ArrayLike<number>, previous: 4 | 12): RuleResult | null {
	const n = series.length;
	if (n < previous + 1) return null;
	const current = series[n - 1]!;
	const baseline = mean(series, n - 1 - previous, n - 1);
	const level = changeLevel(current, baseline);
	return {
		rule: 'change',
		current,
		baseline,
		threshold: baseline * 1.1,
		alert: level === 'large-increase' || level === 'moderate-increase',
		level
	};
}

export function changeLevel(current: number, baseline: number): ChangeLevel {
	if (baseline <= 2 && current <= 5) return 'limited-change';
	// baseline 0 with current > 5: an increase without a percentage, counted as large.
	if (baseline === 0) return 'large-increase';
	const change = (current - baseline) / baseline;
	if (change > 0.25) return 'large-increase';
	if (change >= 0.1) return 'moderate-increase';
	if (change < -0.25) return 'large-decrease';
	if (change <= -0.1) return 'moderate-decrease';
	return 'no-change';
}

/** The fourth rule, Farrington's flexible anomaly detection, lives with its model. */
export { anomalyRule } from './farrington';
