import type Database from 'better-sqlite3';
import type { AuditEntryView, AuditQuery } from '../../schemas/users';
import { statement } from '../db/statements';

/**
 * The audit log: who did what, when, and from where (OWASP ASVS 4.0 §7.1–7.2, OWASP Logging
 * Cheat Sheet). Append-only: SQLite triggers refuse every UPDATE and DELETE on the table
 * (migration 002), so not even a bug in this code can rewrite history.
 *
 * Actions are `kind.verb`, lower case. In use:
 *   auth.login, auth.login_failed, auth.login_locked, auth.logout, auth.password_changed,
 *   user.create, user.update (role, jurisdiction, disabled, password reset).
 * For the other features, by convention: `<resource>.import`, `<resource>.edit`,
 * `<resource>.delete`, `<resource>.export` (e.g. `reports.import`, `stats.export`).
 * Refusals: `<resource>.import_rejected` (one entry per refused file: the problem count and the
 * first problem), and, summarised by `auditRefusal` below, `access.denied` (401, 403: not signed
 * in, a role or jurisdiction that may not, a cross-site request) and `request.too_large` (413).
 */

/** Who acted: a signed-in user, the command line (`id: null`), or the anonymous public (`null`). */
export type AuditActor = { id: number | null; email: string } | null;

export type AuditEntry = {
	actor: AuditActor;
	action: string;
	/** What was acted on, e.g. `user:12`, an email for a login, `reports:2024-05.csv`. */
	target?: string | null;
	/** Structured facts (never a password, token or free text from a victim or witness). */
	details?: Record<string, unknown> | null;
	/** The client address (from SvelteKit's getClientAddress, honouring ADDRESS_HEADER behind a proxy). */
	ip?: string | null;
};

const ACTION = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;
const SECRET_KEY = /pass(word)?|token|secret|hash|cookie/i;
const MAX_DETAILS = 8_000;

/** Appends one entry and returns its id. */
export function audit(db: Database.Database, entry: AuditEntry): number {
	if (!ACTION.test(entry.action))
		throw new Error(`Audit action must be kind.verb in lower case: ${entry.action}`);
	let details = entry.details ? JSON.stringify(redact(entry.details)) : null;
	if (details && details.length > MAX_DETAILS)
		details = JSON.stringify({ truncated: true, length: details.length });
	const info = statement(
		db,
		'INSERT INTO audit_log (actor_id, actor_email, action, target, details, ip) VALUES (?, ?, ?, ?, ?, ?)'
	).run(
		entry.actor?.id ?? null,
		entry.actor?.email ?? null,
		entry.action,
		entry.target?.slice(0, 300) ?? null,
		details,
		entry.ip?.slice(0, 64) ?? null
	);
	return Number(info.lastInsertRowid);
}

/** Defence in depth: a key that names a secret never reaches the log, whatever the caller passed. */
function redact(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(redact);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)])
		);
	}
	return value;
}

type Row = {
	id: number;
	at: string;
	actorId: number | null;
	actorEmail: string | null;
	action: string;
	target: string | null;
	details: string | null;
	ip: string | null;
};

/** Newest first, filtered; `nextBefore` pages to older entries. */
export function queryAudit(
	db: Database.Database,
	query: AuditQuery
): { entries: AuditEntryView[]; nextBefore: number | null } {
	const prefix = query.action?.endsWith('.*') ? query.action.slice(0, -1) : null;
	const rows = statement(
		db,
		`SELECT id, at, actor_id AS actorId, actor_email AS actorEmail, action, target, details, ip
		 FROM audit_log
		 WHERE (@action IS NULL OR action = @action)
		   AND (@prefix IS NULL OR substr(action, 1, length(@prefix)) = @prefix)
		   AND (@actor IS NULL OR actor_email = @actor COLLATE NOCASE)
		   AND (@target IS NULL OR target = @target)
		   AND (@from IS NULL OR at >= @from)
		   AND (@to IS NULL OR at < @to)
		   AND (@before IS NULL OR id < @before)
		 ORDER BY id DESC
		 LIMIT @limit`
	).all({
		action: prefix ? null : (query.action ?? null),
		prefix,
		actor: query.actor || null,
		target: query.target || null,
		from: query.from ?? null,
		to: query.to ? nextDay(query.to) : null,
		before: query.before ?? null,
		limit: query.limit + 1
	}) as Row[];
	const more = rows.length > query.limit;
	const page = rows.slice(0, query.limit);
	return {
		entries: page.map((r) => ({
			id: r.id,
			at: r.at,
			actor: { id: r.actorId, email: r.actorEmail },
			action: r.action,
			target: r.target,
			details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
			ip: r.ip
		})),
		nextBefore: more ? page[page.length - 1]!.id : null
	};
}

/** `to` is inclusive: entries before the start of the next day. */
function nextDay(day: string): string {
	const date = new Date(`${day}T00:00:00.000Z`);
	date.setUTCDate(date.getUTCDate() + 1);
	return date.toISOString().slice(0, 10);
}

// --- Refusals, summarised -----------------------------------------------------------------------

/**
 * A refused request (403, 401, an oversized body): the same fields as an entry, with `target`
 * naming what was refused in a bounded way (`GET /api/users`, a route id, never a raw query).
 */
export type Refusal = AuditEntry & { target: string };

/** One entry per actor, address, action and target per window; the rest are counted. */
export const REFUSAL_WINDOW_MS = 60_000;
/** Distinct keys followed at once; past this, refusals are counted under one overflow key. */
const MAX_REFUSAL_KEYS = 10_000;
const SWEEP_MS = 10_000;

type OpenWindow = { refusal: Refusal; since: number; count: number; firstAt: number };
type Summary = { open: Map<string, OpenWindow>; timer: ReturnType<typeof setInterval> | null };

const summaries = new WeakMap<Database.Database, Summary>();

/**
 * Writes a refusal to the audit log, summarised so that a flood cannot fill it (OWASP Logging
 * Cheat Sheet: "log a sample or a count"): the first refusal of a key (actor, address, action,
 * target) is written at once with `count: 1`; further ones within a minute are only counted, and
 * the count is written as one more entry (`count: N`, `since`: the first of them) once the minute
 * is over — by the next refusal of that key or by a sweep every few seconds. A steady flood from
 * one caller on one route therefore writes one entry a minute. Counts not yet written when the
 * process stops are lost (at most a minute of repeats, never the first refusal).
 */
export function auditRefusal(db: Database.Database, refusal: Refusal, now = Date.now()): void {
	const summary = summaryOf(db);
	let key = JSON.stringify([
		refusal.action,
		refusal.actor?.email ?? null,
		refusal.ip ?? null,
		refusal.target
	]);
	if (!summary.open.has(key) && summary.open.size >= MAX_REFUSAL_KEYS) {
		// Many distinct callers or routes at once: one entry for all of them rather than one each.
		refusal = { action: refusal.action, actor: null, ip: null, target: '*', details: { overflow: true } };
		key = JSON.stringify([refusal.action, '*']);
	}
	const open = summary.open.get(key);
	if (!open) {
		writeRefusal(db, refusal, 1, now);
		summary.open.set(key, { refusal, since: now, count: 0, firstAt: now });
		summary.timer ??= startSweeping(db, summary);
		return;
	}
	if (open.count === 0) open.firstAt = now;
	open.count++;
	if (now - open.since >= REFUSAL_WINDOW_MS) closeWindow(db, open, now);
}

/** Writes the counts of every window that is over (all of them with `all`): the sweep, and tests. */
export function flushRefusals(db: Database.Database, now = Date.now(), all = false): void {
	const summary = summaries.get(db);
	if (!summary) return;
	for (const [key, open] of summary.open) {
		if (!all && now - open.since < REFUSAL_WINDOW_MS) continue;
		if (open.count > 0) closeWindow(db, open, now);
		else summary.open.delete(key);
	}
	if (all) summary.open.clear();
	if (summary.open.size === 0 && summary.timer) {
		clearInterval(summary.timer);
		summary.timer = null;
	}
}

function summaryOf(db: Database.Database): Summary {
	let summary = summaries.get(db);
	if (!summary) {
		summary = { open: new Map(), timer: null };
		summaries.set(db, summary);
	}
	return summary;
}

/** Writes the window's count and opens the next one, which stays open while repeats go on. */
function closeWindow(db: Database.Database, open: OpenWindow, now: number): void {
	writeRefusal(db, open.refusal, open.count, open.firstAt);
	open.since = now;
	open.count = 0;
}

function writeRefusal(db: Database.Database, refusal: Refusal, count: number, since: number): void {
	if (!db.open) return;
	audit(db, {
		...refusal,
		details: { ...refusal.details, count, ...(count > 1 ? { since: new Date(since).toISOString() } : {}) }
	});
}

function startSweeping(db: Database.Database, summary: Summary): ReturnType<typeof setInterval> {
	const timer = setInterval(() => {
		if (!db.open) {
			clearInterval(timer);
			summary.timer = null;
			summary.open.clear();
			return;
		}
		try {
			flushRefusals(db);
		} catch (error) {
			console.error('[audit] could not write refusal counts', error);
		}
	}, SWEEP_MS);
	// The sweep never keeps the process (or a test run) alive on its own.
	timer.unref();
	return timer;
}
