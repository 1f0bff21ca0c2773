import { z } from 'zod';
import { CategoryId } from '$lib/domain/categories';
import type { AlertRule, ChangeLevel } from '$lib/domain/early-warning/rules';
import { Month } from './query';

/**
 * The questions and answers of the alerts service (src/lib/server/alerts/service.ts) and its API
 * (src/lib/server/api/alerts.ts), shared by the server and the /alertas page.
 */

export const AlertLevel = z.enum(['municipality', 'department']);
export type AlertLevel = z.infer<typeof AlertLevel>;

/** `GET /api/alerts` and `/api/alerts.csv`. Without `month`, the category's latest month. */
export const AlertsQuery = z.object({
	category: CategoryId,
	level: AlertLevel.default('municipality'),
	month: Month.optional()
});
export type AlertsQuery = z.infer<typeof AlertsQuery>;

/** Monthly rules compare months; weekly ones ISO weeks ending in the month. */
export type AlertGrain = 'month' | 'week';

export type Alert = {
	/** category|level|code|period|rule: what an acknowledgement or a commitment refers to. */
	key: string;
	code: string;
	name: string;
	level: AlertLevel;
	category: CategoryId;
	month: string;
	rule: AlertRule;
	grain: AlertGrain;
	/** The month (YYYY-MM) or ISO week (YYYY-Www) evaluated. */
	period: string;
	current: number;
	baseline: number;
	threshold: number;
	changeLevel?: ChangeLevel;
	/** The counts the rule read, oldest first, ending with `period`. */
	series: { period: string; count: number }[];
};

export type AlertsAnswer = {
	category: CategoryId;
	level: AlertLevel;
	month: string;
	/** Whether the weekly rules ran (the category's sources are dated by day). */
	weekly: boolean;
	alerts: Alert[];
	/**
	 * Places left out of a rule because a month it reads is not covered (a source's gap, or before
	 * its first month): a month without coverage is not a zero, so no alert stands on one.
	 */
	gapped: number;
	/** A provider with only part of a department: its departments are not listed. */
	partialDepartments: boolean;
};
