import type { CategoryId } from '$lib/domain/categories';
import { changeRule, surgeRule, threatRule, type RuleResult } from '$lib/domain/early-warning/rules';
import { anomalyRule, limit54Met } from '$lib/domain/early-warning/farrington';
import { dayLabel, dayNumber, isoWeekLabel, weeksEndingIn } from '$lib/domain/early-warning/weeks';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import { commitmentStatus, type StoredStatus } from '$lib/domain/commitments';
import { csvLine } from '$lib/domain/csv';
import { comparableOf, diffInDiff, type OutcomeSeries } from '$lib/domain/early-warning/outcome';
import type {
	AckInput,
	Alert,
	AlertGrain,
	AlertLevel,
	AlertRef,
	AlertResponse,
	AlertsAnswer,
	AlertsQuery,
	FeedStatus,
	FeedTokenInput,
	Outcome,
	ResponseInput,
	ResponseSummary
} from '$lib/schemas/alerts';
import { randomBytes } from 'node:crypto';
import { audit } from '../auth/audit';
import { hashToken } from '../auth/sessions';
import type { Role } from '../auth/types';
import { loadSessionUser } from '../auth/users';
import { statement } from '../db/statements';
import { ServiceError } from '../errors';
import { scopeOf, type Scope } from '../scope';
import type { ServiceDeps } from '../services';
import { viewerFor, type Viewer } from '../viewer';
import { atomFeed } from './feed';

/**
 * Early warning (issue 16): the rules of src/lib/domain/early-warning/rules.ts run on each place's
 * EXACT restricted counts, for the places a viewer may see: planners and admins the whole country,
 * a provider the municipalities inside its jurisdiction and the departments wholly inside it (a
 * department total over municipalities it may not see would reveal them). Every rule reads only
 * the place's own series, so no figure borrows from outside the scope.
 *
 * Monthly series come from the statistics index; weekly ones (ISO weeks ending in the month, for
 * categories whose sources date reports by day) from a bounded query on the reports table (the
 * partial index of migration 012). A month inside a source's coverage gap is not a zero: a rule
 * that would read one is not run for that place (`gapped` counts them), so no alert stands on a gap.
 */

const ANALYSTS = ['admin', 'planner', 'provider'] as const satisfies readonly Role[];

function assertRole(viewer: Viewer): void {
	if (!viewer.user || !(ANALYSTS as readonly Role[]).includes(viewer.user.role)) {
		throw new ServiceError('forbidden', `Only ${ANALYSTS.join(', ')} may see alerts`);
	}
}

/**
 * A rule and how many periods it reads (the evaluated one included). `gapsAsMissing`: the rule
 * handles missing periods itself (NaN, as R's NA), so a gap in its history is passed as NaN
 * instead of skipping the place; the evaluated period must still be covered.
 */
type SeriesRule = {
	history: number;
	run: (series: Float64Array) => RuleResult | null;
	gapsAsMissing?: boolean;
};

/**
 * Farrington flexible (Noufaily et al. 2013) on 5 years back plus its window: 64 months. Without
 * 5 cases in the last 4 months it cannot alarm (R's limit54), so the model is not fitted there:
 * the same alerts, at a fraction of the cost (npm run bench -- alert-rules).
 */
const FARRINGTON_HISTORY = 12 * 5 + 3 + 1;
function anomaly(series: Float64Array): RuleResult | null {
	if (!limit54Met(series)) return null;
	// Reference months are whole years back, so the calendar month of the first one is not needed.
	return anomalyRule(series, 0);
}

/**
 * The monthly rules; the series is fetched for the longest history any rule asks for.
 */
export const MONTHLY_RULES: readonly SeriesRule[] = [
	{ history: 13, run: threatRule },
	{ history: 13, run: (series) => changeRule(series, 12) },
	{ history: FARRINGTON_HISTORY, run: anomaly, gapsAsMissing: true }
];

/** The weekly rules, for sources dated by day. */
export const WEEKLY_RULES: readonly SeriesRule[] = [
	{ history: 5, run: surgeRule },
	{ history: 5, run: (series) => changeRule(series, 4) }
];

type Place = { code: string; name: string; rows: number[] };

const FEED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function alertKey(a: Pick<Alert, 'category' | 'level' | 'code' | 'period' | 'rule'>): string {
	return [a.category, a.level, a.code, a.period, a.rule].join('|');
}

export function createAlertService({ db, stats, release }: ServiceDeps) {
	const sources = { stats, release };

	const names = (level: AlertLevel) =>
		new Map(
			(
				statement(
					db,
					level === 'municipality'
						? 'SELECT code, name FROM municipalities'
						: 'SELECT code, name FROM departments'
				).all() as { code: string; name: string }[]
			).map((r) => [r.code, r.name])
		);

	/** The places of a level inside the scope, each with the municipality rows it sums. */
	function placesOf(
		scope: Scope,
		level: AlertLevel,
		codes: readonly string[],
		departmentOf: readonly string[]
	): Place[] {
		const named = names(level);
		if (level === 'municipality') {
			return scope
				.keep(
					codes.map((code, m) => ({ code, m })),
					(r) => r.code
				)
				.map((r) => ({ code: r.code, name: named.get(r.code) ?? r.code, rows: [r.m] }));
		}
		const byDepartment = new Map<string, number[]>();
		departmentOf.forEach((d, m) => byDepartment.set(d, [...(byDepartment.get(d) ?? []), m]));
		return scope
			.keepDepartments([...byDepartment.keys()].sort(), (d) => d)
			.map((d) => ({ code: d, name: named.get(d) ?? d, rows: byDepartment.get(d)! }));
	}

	/**
	 * Runs the rules on one place's series; `covered[i]` says whether period i may be read. Rules
	 * whose window holds an uncovered period are skipped; returns whether any was.
	 */
	function evaluate(
		place: Place,
		base: Pick<Alert, 'level' | 'category' | 'month' | 'grain' | 'period'>,
		rules: readonly SeriesRule[],
		series: Float64Array,
		covered: Uint8Array,
		labels: readonly string[],
		out: Alert[]
	): boolean {
		let gapped = false;
		for (const rule of rules) {
			const from = series.length - rule.history;
			if (from < 0) continue;
			let input = series.subarray(from);
			if (covered.subarray(from).some((c) => c === 0)) {
				if (!rule.gapsAsMissing || covered[series.length - 1] === 0) {
					gapped = true;
					continue;
				}
				input = input.map((count, i) => (covered[from + i] === 0 ? NaN : count));
			}
			const result = rule.run(input);
			if (!result?.alert) continue;
			const alert: Alert = {
				key: '',
				acknowledgements: 0,
				acknowledgedByMe: false,
				responses: [],
				code: place.code,
				name: place.name,
				...base,
				rule: result.rule,
				current: result.current,
				baseline: result.baseline,
				threshold: result.threshold,
				...(result.level ? { changeLevel: result.level } : {}),
				series: Array.from(series.subarray(from), (count, i) => ({ period: labels[from + i]!, count }))
			};
			alert.key = alertKey(alert);
			out.push(alert);
		}
		return gapped;
	}

	/** Daily counts per municipality inside the scope over days `first` … `last`. */
	function dailyCounts(scope: Scope, category: CategoryId, first: number, last: number) {
		const rows = statement(
			db,
			`SELECT municipality_code AS code, date, sum(count) AS n FROM reports
			 WHERE category = :category AND date_precision = 'day' AND date >= :from AND date <= :to
			   AND (:unrestricted = 1
			        OR substr(municipality_code, 1, 2) IN (SELECT value FROM json_each(:departments))
			        OR municipality_code IN (SELECT value FROM json_each(:municipalities)))
			 GROUP BY municipality_code, date`
		).all({ category, from: dayLabel(first), to: dayLabel(last), ...scope.sqlParams }) as {
			code: string;
			date: string;
			n: number;
		}[];
		const out = new Map<string, Float64Array>();
		for (const r of rows) {
			let days = out.get(r.code);
			if (!days) out.set(r.code, (days = new Float64Array(last - first + 1)));
			days[dayNumber(r.date) - first]! += r.n;
		}
		return out;
	}

	const today = () => new Date().toISOString().slice(0, 10);

	type ResponseRow = Omit<AlertResponse, 'status'> & { status: StoredStatus; code: string };
	const RESPONSE_SELECT = `SELECT r.id, r.alert_key AS alertKey, r.code, r.commitment_id AS commitmentId,
		   d.title AS dialogueTitle, coalesce(c.institution, r.institution) AS institution,
		   coalesce(c.action, r.action) AS action,
		   CASE WHEN r.commitment_id IS NULL THEN r.due_date ELSE c.due_date END AS dueDate,
		   coalesce(c.status, r.status) AS status, r.done_on AS doneOn
		 FROM alert_responses r
		 LEFT JOIN commitments c ON c.id = r.commitment_id
		 LEFT JOIN dialogues d ON d.id = c.dialogue_id`;

	const responseView = ({ code: _code, ...r }: ResponseRow): AlertResponse => ({
		...r,
		status: commitmentStatus(r.status, r.dueDate, today())
	});

	/** The responses to the alerts of one category, level and month, by alert key. */
	function responsesFor(category: string, level: AlertLevel, month: string): Map<string, AlertResponse[]> {
		const rows = statement(
			db,
			`${RESPONSE_SELECT} WHERE r.category = ? AND r.level = ? AND r.month = ? ORDER BY r.id`
		).all(category, level, month) as ResponseRow[];
		const out = new Map<string, AlertResponse[]>();
		for (const r of rows) out.set(r.alertKey, [...(out.get(r.alertKey) ?? []), responseView(r)]);
		return out;
	}

	/**
	 * The share of alerts answered and of answers on time: an answer is due once its date has
	 * passed or it is done, and on time when it was done by its due date.
	 */
	function summarise(alerts: readonly Alert[]): ResponseSummary {
		const responses = alerts.flatMap((a) => a.responses);
		const due = responses.filter((r) => r.status === 'done' || r.status === 'overdue');
		return {
			alerts: alerts.length,
			responded: alerts.filter((a) => a.responses.length > 0).length,
			due: due.length,
			onTime: due.filter((r) => r.status === 'done' && r.doneOn && r.dueDate && r.doneOn <= r.dueDate).length
		};
	}

	function list(viewer: Viewer, q: AlertsQuery): AlertsAnswer {
		assertRole(viewer);
		const scope = scopeOf(viewer);
		const month = q.month ?? scope.extent(sources).categories[q.category]?.to;
		if (!month) throw new ServiceError('no_data', `No reports of ${q.category} yet`);
		const end = monthIndex(month);
		const history = Math.max(...MONTHLY_RULES.map((r) => r.history));
		const start = end - history + 1;
		const cube = stats.monthlyCounts([q.category], start, end, scope.coverageOf(sources));
		const places = placesOf(scope, q.level, cube.codes, cube.departmentOf);
		const weekly = cube.precision === 'day';
		const weeks = weekly ? weeksEndingIn(month) : [];
		// Each week with the 4 before it, as days: from the Monday 4 weeks before the first.
		const firstDay = weeks.length > 0 ? weeks[0]!.monday - 28 : 0;
		const lastDay = weeks.length > 0 ? weeks.at(-1)!.sunday : -1;
		const daily = weekly ? dailyCounts(scope, q.category, firstDay, lastDay) : new Map();
		// Each day's month, as a position in the monthly series (days before it: -1).
		const monthOfDay = Int32Array.from({ length: lastDay - firstDay + 1 }, (_, i) =>
			Math.max(-1, monthIndex(dayLabel(firstDay + i).slice(0, 7)) - start)
		);
		const monthLabels = Array.from({ length: cube.months }, (_, i) => monthLabel(start + i));
		const alerts: Alert[] = [];
		let gapped = 0;

		for (const place of places) {
			const series = new Float64Array(cube.months);
			const covered = new Uint8Array(cube.months);
			for (const m of place.rows) {
				for (let t = 0; t < cube.months; t++) {
					series[t]! += cube.counts[m * cube.months + t]!;
					covered[t] ||= cube.covered[m * cube.months + t]!;
				}
			}
			// A place its sources never cover in the window has no series at all: not a gap.
			if (!covered.some((c) => c === 1)) continue;
			const base = { level: q.level, category: q.category, month };
			let skipped = evaluate(
				place,
				{ ...base, grain: 'month' as AlertGrain, period: month },
				MONTHLY_RULES,
				series,
				covered,
				monthLabels,
				alerts
			);
			const n = Math.max(...WEEKLY_RULES.map((r) => r.history));
			for (const week of weeks) {
				const weekly = new Float64Array(n);
				const weekCovered = new Uint8Array(n).fill(1);
				const labels: string[] = [];
				for (let w = 0; w < n; w++) {
					const monday = week.monday - 7 * (n - 1 - w);
					labels.push(isoWeekLabel(monday));
					for (let d = monday; d < monday + 7; d++) {
						// A day of an uncovered month makes the week unreadable.
						const t = monthOfDay[d - firstDay]!;
						if (t < 0 || !covered[t]) weekCovered[w] = 0;
						for (const m of place.rows) weekly[w]! += daily.get(cube.codes[m]!)?.[d - firstDay] ?? 0;
					}
				}
				skipped =
					evaluate(
						place,
						{ ...base, grain: 'week' as AlertGrain, period: week.label },
						WEEKLY_RULES,
						weekly,
						weekCovered,
						labels,
						alerts
					) || skipped;
			}
			if (skipped) gapped++;
		}
		alerts.sort(
			(a, b) =>
				a.grain.localeCompare(b.grain) ||
				a.rule.localeCompare(b.rule) ||
				a.period.localeCompare(b.period) ||
				b.current - b.threshold - (a.current - a.threshold) ||
				a.code.localeCompare(b.code)
		);
		const acks = statement(
			db,
			`SELECT alert_key AS key, count(*) AS n, max(user_id = ?) AS mine FROM alert_acknowledgements
			 WHERE category = ? AND level = ? AND month = ? GROUP BY alert_key`
		).all(viewer.user!.id, q.category, q.level, month) as { key: string; n: number; mine: number }[];
		const ackOf = new Map(acks.map((a) => [a.key, a]));
		for (const a of alerts) {
			a.acknowledgements = ackOf.get(a.key)?.n ?? 0;
			a.acknowledgedByMe = ackOf.get(a.key)?.mine === 1;
		}
		const responsesOf = responsesFor(q.category, q.level, month);
		for (const a of alerts) a.responses = responsesOf.get(a.key) ?? [];
		const summary = summarise(alerts);
		const filter = scope.isJurisdictional ? scope.filter : null;
		const partialDepartments =
			q.level === 'department' &&
			(filter?.municipalities.some((code) => !filter.departments.includes(code.slice(0, 2))) ?? false);
		return {
			category: q.category,
			level: q.level,
			month,
			weekly,
			alerts,
			gapped,
			partialDepartments,
			summary
		};
	}

	/** The alert a reference names, as the viewer sees it now; not_found when it is not (or no longer) one. */
	function find(viewer: Viewer, ref: AlertRef): Alert {
		const key = alertKey(ref);
		const alert = list(viewer, { category: ref.category, level: ref.level, month: ref.month }).alerts.find(
			(a) => a.key === key
		);
		if (!alert) throw new ServiceError('not_found', `No alert ${key} for you`);
		return alert;
	}

	const now = () => new Date().toISOString();

	/**
	 * Records that the viewer saw an alert (again: the note and time are updated), audited in the
	 * same transaction. Only an alert the viewer's own list holds may be acknowledged: that keeps
	 * a provider to its jurisdiction and the table to real alerts.
	 */
	function acknowledge(viewer: Viewer, input: AckInput): { key: string; acknowledgements: number } {
		assertRole(viewer);
		const alert = find(viewer, input);
		return db.transaction(() => {
			statement(
				db,
				`INSERT INTO alert_acknowledgements
				   (alert_key, category, level, code, month, period, rule, user_id, acknowledged_at, note)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				 ON CONFLICT (alert_key, user_id) DO UPDATE
				 SET acknowledged_at = excluded.acknowledged_at, note = excluded.note`
			).run(
				alert.key,
				alert.category,
				alert.level,
				alert.code,
				alert.month,
				alert.period,
				alert.rule,
				viewer.user!.id,
				now(),
				input.note || null
			);
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'alerts.acknowledge',
				target: `alert:${alert.key}`,
				details: { current: alert.current, threshold: alert.threshold }
			});
			const n = statement(db, 'SELECT count(*) FROM alert_acknowledgements WHERE alert_key = ?')
				.pluck()
				.get(alert.key) as number;
			return { key: alert.key, acknowledgements: n };
		})();
	}

	/** The alerts as CSV (a spreadsheet download); every export is audited. */
	function csv(viewer: Viewer, q: AlertsQuery): { filename: string; body: string } {
		const answer = list(viewer, q);
		audit(db, {
			actor: viewer.actor,
			ip: viewer.ip,
			action: 'alerts.export',
			target: `alerts:${q.category}:${q.level}:${answer.month}`,
			details: { rows: answer.alerts.length }
		});
		const header = csvLine([
			'code',
			'name',
			'level',
			'category',
			'month',
			'grain',
			'period',
			'rule',
			'change_level',
			'current',
			'baseline',
			'threshold',
			'acknowledgements'
		]);
		const rows = answer.alerts.map((a) =>
			csvLine([
				a.code,
				a.name,
				a.level,
				a.category,
				a.month,
				a.grain,
				a.period,
				a.rule,
				a.changeLevel ?? '',
				a.current,
				Number(a.baseline.toFixed(4)),
				Number(a.threshold.toFixed(4)),
				a.acknowledgements
			])
		);
		return { filename: `alertas-${q.category}-${q.level}-${answer.month}.csv`, body: header + rows.join('') };
	}

	function feedStatus(viewer: Viewer): FeedStatus {
		assertRole(viewer);
		const row = statement(
			db,
			`SELECT categories, level, created_at AS createdAt, last_used_at AS lastUsedAt
			 FROM alert_feed_tokens WHERE user_id = ? ORDER BY created_at DESC LIMIT 1`
		).get(viewer.user!.id) as
			{ categories: string; level: AlertLevel; createdAt: string; lastUsedAt: string | null } | undefined;
		if (!row) return { active: false, categories: [], level: null, createdAt: null, lastUsedAt: null };
		return { active: true, ...row, categories: JSON.parse(row.categories) as CategoryId[] };
	}

	/**
	 * A new personal feed token, replacing the viewer's previous one (one feed URL per person, so
	 * revoking is one click). Only its SHA-256 is stored; the token is shown once.
	 */
	function createFeedToken(viewer: Viewer, input: FeedTokenInput): { token: string } {
		assertRole(viewer);
		const token = randomBytes(32).toString('base64url');
		db.transaction(() => {
			statement(db, 'DELETE FROM alert_feed_tokens WHERE user_id = ?').run(viewer.user!.id);
			statement(
				db,
				`INSERT INTO alert_feed_tokens (token_hash, user_id, categories, level, created_at)
				 VALUES (?, ?, ?, ?, ?)`
			).run(hashToken(token), viewer.user!.id, JSON.stringify(input.categories), input.level, now());
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'alerts.feed_create',
				target: `user:${viewer.user!.id}`,
				details: { categories: input.categories, level: input.level }
			});
		})();
		return { token };
	}

	function revokeFeedToken(viewer: Viewer): { revoked: number } {
		assertRole(viewer);
		return db.transaction(() => {
			const revoked = statement(db, 'DELETE FROM alert_feed_tokens WHERE user_id = ?').run(
				viewer.user!.id
			).changes;
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'alerts.feed_revoke',
				target: `user:${viewer.user!.id}`,
				details: { revoked }
			});
			return { revoked };
		})();
	}

	/**
	 * The Atom feed behind a token: the latest month's alerts of its categories, as its owner sees
	 * them now (the owner's current role and jurisdiction; a disabled owner's feed is gone). Null
	 * for an unknown or revoked token.
	 */
	function feed(token: string, origin: string): string | null {
		if (!FEED_TOKEN.test(token)) return null;
		const hash = hashToken(token);
		const row = statement(
			db,
			'SELECT user_id AS userId, categories, level FROM alert_feed_tokens WHERE token_hash = ?'
		).get(hash) as { userId: number; categories: string; level: AlertLevel } | undefined;
		if (!row) return null;
		const user = loadSessionUser(db, row.userId);
		if (!user) return null;
		const owner = viewerFor(user, null);
		const alerts: Alert[] = [];
		for (const category of JSON.parse(row.categories) as CategoryId[]) {
			try {
				alerts.push(...list(owner, { category, level: row.level }).alerts);
			} catch (e) {
				// A category without data yet (or a role that lost access) lists nothing.
				if (!(e instanceof ServiceError)) throw e;
			}
		}
		const updated = now();
		statement(db, 'UPDATE alert_feed_tokens SET last_used_at = ? WHERE token_hash = ?').run(updated, hash);
		return atomFeed({ id: `${origin}/api/alerts/feed`, pageUrl: `${origin}/alertas`, updated, alerts });
	}

	/**
	 * Answers an alert the viewer can see with a commitment: a new one, or (planners and admins,
	 * who keep the dialogues) an existing one from a dialogue. Audited in the same transaction.
	 */
	function respond(viewer: Viewer, input: ResponseInput): AlertResponse {
		assertRole(viewer);
		const alert = find(viewer, input);
		const linked = 'commitmentId' in input ? input.commitmentId : null;
		if (linked !== null) {
			if (viewer.user!.role === 'provider')
				throw new ServiceError('forbidden', 'Only planners link a dialogue’s commitment');
			if (!statement(db, 'SELECT 1 FROM commitments WHERE id = ?').get(linked))
				throw new ServiceError('not_found', `No commitment ${linked}`);
			if (
				statement(db, 'SELECT 1 FROM alert_responses WHERE alert_key = ? AND commitment_id = ?').get(
					alert.key,
					linked
				)
			)
				throw new ServiceError('conflict', `Commitment ${linked} already answers this alert`);
		}
		const id = db.transaction(() => {
			const row = statement(
				db,
				`INSERT INTO alert_responses (alert_key, category, level, code, month, period, rule, commitment_id,
				   institution, action, due_date, created_by, created_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
			).get(
				alert.key,
				alert.category,
				alert.level,
				alert.code,
				alert.month,
				alert.period,
				alert.rule,
				linked,
				'institution' in input ? input.institution : null,
				'action' in input ? input.action : null,
				'dueDate' in input ? input.dueDate : null,
				viewer.user!.id,
				now()
			) as { id: number };
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'alerts.respond',
				target: `alert:${alert.key}`,
				details: { response: row.id, commitment: linked }
			});
			return row.id;
		})();
		return responseById(viewer, id);
	}

	function responseById(viewer: Viewer, id: number): AlertResponse & { code: string; month: string } {
		const row = statement(db, `${RESPONSE_SELECT} WHERE r.id = ?`).get(id) as ResponseRow | undefined;
		if (!row) throw new ServiceError('not_found', `No response ${id}`);
		scopeOf(viewer).assertArea(row.code);
		const month = statement(db, 'SELECT month FROM alert_responses WHERE id = ?').pluck().get(id) as string;
		return { ...responseView(row), code: row.code, month };
	}

	/**
	 * Sets a response's status; done records the day (for "on time"). A dialogue's commitment is
	 * the dialogue's: planners change it, here or on the dialogues page.
	 */
	function setResponseStatus(viewer: Viewer, id: number, status: StoredStatus): AlertResponse {
		assertRole(viewer);
		const response = responseById(viewer, id);
		if (response.commitmentId !== null && viewer.user!.role === 'provider')
			throw new ServiceError('forbidden', 'Only planners change a dialogue’s commitment');
		db.transaction(() => {
			// A dialogue's commitment may answer several alerts: all of them share its status and day.
			statement(
				db,
				`UPDATE alert_responses SET status = :status, done_on = :doneOn
				 WHERE id = :id OR (commitment_id IS NOT NULL AND commitment_id = :commitment)`
			).run({
				status,
				doneOn: status === 'done' ? (response.doneOn ?? today()) : null,
				id,
				commitment: response.commitmentId
			});
			if (response.commitmentId !== null)
				statement(db, 'UPDATE commitments SET status = ? WHERE id = ?').run(status, response.commitmentId);
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'alerts.response_status',
				target: `alert_response:${id}`,
				details: { status, commitment: response.commitmentId }
			});
		})();
		return responseById(viewer, id);
	}

	/**
	 * After a response's due date: the municipality's monthly counts in the 12 months up to the
	 * alert and in up to 12 whole months after the due date, against the 10 municipalities of its
	 * department inside the viewer's scope whose level before was closest, as a difference in
	 * differences (domain/early-warning/outcome.ts). Not proof of causality, and the answer says so
	 * in the page. Months without coverage drop a comparison; the place itself must be covered.
	 */
	function outcome(viewer: Viewer, id: number): Outcome {
		assertRole(viewer);
		const scope = scopeOf(viewer);
		const response = responseById(viewer, id);
		const ref = statement(
			db,
			'SELECT alert_key AS key, category, level FROM alert_responses WHERE id = ?'
		).get(id) as { key: string; category: CategoryId; level: AlertLevel };
		if (ref.level !== 'municipality')
			throw new ServiceError('invalid_request', 'The outcome view compares municipalities only');
		if (!response.dueDate || response.dueDate >= today())
			throw new ServiceError('no_data', 'The outcome shows after the due date');
		const last = scope.extent(sources).categories[ref.category]?.to;
		const alertMonth = monthIndex(response.month);
		const afterFirst = monthIndex(response.dueDate.slice(0, 7)) + 1;
		const afterLast = last ? Math.min(monthIndex(last), afterFirst + 11) : afterFirst - 1;
		if (afterLast < afterFirst)
			throw new ServiceError('no_data', 'No whole month of data after the due date yet');
		const from = alertMonth - 11;
		const cube = stats.monthlyCounts([ref.category], from, afterLast, scope.coverageOf(sources));
		const seriesOf = (m: number): OutcomeSeries | null => {
			const at = (t: number) => m * cube.months + (t - from);
			const months = [
				...Array.from({ length: 12 }, (_, i) => from + i),
				...Array.from({ length: afterLast - afterFirst + 1 }, (_, i) => afterFirst + i)
			];
			if (months.some((t) => !cube.covered[at(t)])) return null;
			return {
				code: cube.codes[m]!,
				before: Array.from({ length: 12 }, (_, i) => cube.counts[at(from + i)]!),
				after: Array.from({ length: afterLast - afterFirst + 1 }, (_, i) => cube.counts[at(afterFirst + i)]!)
			};
		};
		const m = cube.codes.indexOf(response.code);
		const place = m >= 0 ? seriesOf(m) : null;
		if (!place)
			throw new ServiceError('no_data', 'The sources do not cover this municipality in these months');
		const department = cube.departmentOf[m]!;
		const candidates = cube.codes
			.map((code, i) => ({ code, i }))
			.filter((c) => c.i !== m && cube.departmentOf[c.i] === department && scope.includesMunicipality(c.code))
			.map((c) => seriesOf(c.i))
			.filter((c): c is OutcomeSeries => c !== null);
		const comparisons = comparableOf(place, candidates, 10);
		const did = diffInDiff(place, comparisons);
		if (!did) throw new ServiceError('no_data', 'Fewer than two comparable municipalities');
		const named = names('municipality');
		const average = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
		const placeLevel = average(place.before);
		const comparisonLevel = average(comparisons.map((c) => average(c.before)));
		const months = (first: number, values: readonly number[]) =>
			values.map((count, i) => ({ month: monthLabel(first + i), count }));
		const mean = (pick: (c: OutcomeSeries) => readonly number[], i: number) =>
			comparisons.reduce((sum, c) => sum + pick(c)[i]!, 0) / comparisons.length;
		return {
			responseId: id,
			alert: { key: ref.key, category: ref.category, level: ref.level, month: response.month },
			code: place.code,
			name: named.get(place.code) ?? place.code,
			before: { from: monthLabel(from), to: monthLabel(alertMonth) },
			after: { from: monthLabel(afterFirst), to: monthLabel(afterLast) },
			placeSeries: [...months(from, place.before), ...months(afterFirst, place.after)],
			comparisonSeries: [
				...months(
					from,
					place.before.map((_, i) => mean((c) => c.before, i))
				),
				...months(
					afterFirst,
					place.after.map((_, i) => mean((c) => c.after, i))
				)
			],
			comparisons: comparisons.map((c) => ({ code: c.code, name: named.get(c.code) ?? c.code })),
			estimate: did.estimate,
			low: did.low,
			high: did.high,
			placeChange: did.placeChange,
			comparisonChange: did.comparisonChange,
			placeLevel,
			comparisonLevel,
			// A city with no peer in its department gets small towns as "closest": say so.
			weakComparison:
				(comparisonLevel + 0.5) / (placeLevel + 0.5) < 0.5 || (comparisonLevel + 0.5) / (placeLevel + 0.5) > 2
		};
	}

	return {
		list,
		acknowledge,
		csv,
		feedStatus,
		createFeedToken,
		revokeFeedToken,
		feed,
		respond,
		setResponseStatus,
		outcome
	};
}

export type AlertService = ReturnType<typeof createAlertService>;
