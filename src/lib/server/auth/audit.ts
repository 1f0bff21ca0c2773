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
