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
	/** How many people acknowledged it, and whether the caller did. */
	acknowledgements: number;
	acknowledgedByMe: boolean;
	/** The commitments that answer it (the loop). */
	responses: AlertResponse[];
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
	summary: ResponseSummary;
};

const Rule = z.enum(['threat', 'surge', 'change', 'anomaly']);
/** A month (YYYY-MM) or an ISO week (YYYY-Www). */
const Period = z
	.string()
	.regex(/^\d{4}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4]\d|5[0-3]))$/, 'must be YYYY-MM or YYYY-Www');

/** Which alert a request is about: the parts of its key. */
export const AlertRef = z.object({
	category: CategoryId,
	level: AlertLevel,
	code: z
		.string()
		.regex(/^\d{2}(\d{3})?$/, 'must be a department (2 digits) or municipality (5 digits) code'),
	month: Month,
	period: Period,
	rule: Rule
});
export type AlertRef = z.infer<typeof AlertRef>;

/** `POST /api/alerts/ack`. */
export const AckInput = AlertRef.extend({ note: z.string().trim().max(500).optional() });
export type AckInput = z.infer<typeof AckInput>;

/** `POST /api/alerts/feed-token`: what the personal feed lists. */
export const FeedTokenInput = z.object({
	categories: z.array(CategoryId).min(1).max(16),
	level: AlertLevel.default('municipality')
});
export type FeedTokenInput = z.infer<typeof FeedTokenInput>;

export type FeedStatus = {
	active: boolean;
	categories: CategoryId[];
	level: AlertLevel | null;
	createdAt: string | null;
	lastUsedAt: string | null;
};

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');

/**
 * `POST /api/alerts/responses`: answer an alert with a commitment — a new one (institution,
 * action, due date) or an existing one from a dialogue (`commitmentId`).
 */
export const ResponseInput = z.union([
	AlertRef.extend({
		institution: z.string().trim().min(2).max(200),
		action: z.string().trim().min(3).max(1000),
		dueDate: Day
	}).strict(),
	AlertRef.extend({ commitmentId: z.coerce.number().int().positive() }).strict()
]);
export type ResponseInput = z.infer<typeof ResponseInput>;

export const ResponseStatusInput = z.object({ status: z.enum(['open', 'in_progress', 'done']) });
export const ResponseId = z.object({ id: z.coerce.number().int().positive() });

export type AlertResponse = {
	id: number;
	alertKey: string;
	/** The dialogue commitment it is, if it is one. */
	commitmentId: number | null;
	dialogueTitle: string | null;
	institution: string;
	action: string;
	dueDate: string | null;
	/** 'overdue' derived from the due date (domain/commitments.ts). */
	status: 'open' | 'in_progress' | 'done' | 'overdue';
	doneOn: string | null;
};

/** The loop's figures for the alerts listed: how many were answered, and how many answers were on time. */
export type ResponseSummary = {
	alerts: number;
	responded: number;
	/** Responses whose due date has passed or that are done. */
	due: number;
	/** Of those, done by their due date. */
	onTime: number;
};

/** After a response's due date: the place against comparable municipalities (domain/early-warning/outcome.ts). */
export type Outcome = {
	responseId: number;
	/** The alert it answered. */
	alert: { key: string; category: CategoryId; level: AlertLevel; month: string };
	code: string;
	name: string;
	before: { from: string; to: string };
	after: { from: string; to: string };
	placeSeries: { month: string; count: number }[];
	comparisonSeries: { month: string; count: number }[];
	comparisons: { code: string; name: string }[];
	estimate: number;
	low: number;
	high: number;
	placeChange: number;
	comparisonChange: number;
	/** Mean events per month before: the place's and the comparisons' (to judge "similar"). */
	placeLevel: number;
	comparisonLevel: number;
	/** The comparisons' level before is under half or over twice the place's: a weak comparison. */
	weakComparison: boolean;
};
