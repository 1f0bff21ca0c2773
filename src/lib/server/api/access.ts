/**
 * Access control for the API: who may call which route. THE CONTRACT other features rely on.
 *
 * 1. Every route declares its rule as its first middleware, beside the route:
 *
 *        .get('/', access('public'), (c) => …)                       anyone, including anonymous
 *        .get('/', access('restricted'), (c) => …)                   admins, planners, providers
 *        .post('/', access('signed-in'), (c) => …)                   any signed-in role, reporters too
 *        .post('/', access(['admin']), validate('json', S), (c) => …)   only these roles
 *        .get('/', access(['admin', 'planner', 'provider'], { jurisdiction: true }), …)
 *
 *    `requireRole('admin', …)` is `access([...roles])`. `restricted` leaves reporters out (issue
 *    18: a reporter is not a security provider and sees the public's figures), so a new restricted
 *    route never reaches them unless it names the role. Anonymous callers of a restricted route
 *    get 401 `unauthenticated`, other roles 403 `forbidden`. `{ jurisdiction: true }` documents
 *    that providers get only data inside their jurisdiction: the handler passes `viewerOf(c)` to a
 *    service, which scopes with `scopeOf(viewer)` (src/lib/server/scope.ts) — handlers never filter
 *    by jurisdiction themselves. `{ maxBodyBytes }` raises the default 64 KiB
 *    body limit for that route (an import); the limit is enforced before anything reads the body,
 *    and holds for a chunked body too (counted as it is read, never buffered whole).
 *    `{ note }` is shown in docs/access-matrix.md.
 *
 * 2. A route without a rule fails twice: tests/api/access-matrix.spec.ts enumerates `app.routes`
 *    and fails on it, and at run time `requireDeclaredAccess` turns its answer into a 500 before
 *    any data leaves. After adding or changing a route, regenerate the table with
 *    `npx vitest run tests/api/access-matrix.spec.ts -u` and review the diff of
 *    docs/access-matrix.md.
 *
 * 3. `c.get('user')` is the SessionUser or null (anonymous), loaded by `loadSession` for every
 *    request; responses to a signed-in user are `Cache-Control: private, no-store`.
 * 4. State-changing requests from another origin are refused (`refuseCrossOrigin`, 403 `csrf`);
 *    non-browser clients (tests with `app.request`) need no header.
 * 5. Every refusal is audited (audit-refusals.ts): 401/403 as `access.denied`, 413 as
 *    `request.too_large`, summarised per caller, address and route (a flood: one entry a minute).
 * 6. Handlers are thin: validate, call one service function with `viewerOf(c)`, answer. Services
 *    own SQL, transactions, jurisdiction, disclosure and the audit entry; their `ServiceError`s
 *    become HTTP statuses in one table (errors.ts, `SERVICE_STATUS`).
 */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type Database from 'better-sqlite3';
import { sessionCookie } from '../auth/cookie';
import { crossOriginRefusal } from '../auth/csrf';
import { authenticate } from '../auth/sessions';
import type { Role } from '../auth/types';
import { viewerFor, type Viewer } from '../viewer';
import { ROLES } from '../../schemas/users';
import type { AppEnv } from './env';
import { bodyLimitOf } from './body-limit';
import { ApiError } from './errors';

/** Request bodies larger than this are refused with 413 unless a route declares more. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

export type Audience = 'public' | 'restricted' | 'signed-in' | readonly Role[];

/** The roles of `access('restricted')`: those that may see exact official figures somewhere. */
export const RESTRICTED_ROLES = ['admin', 'planner', 'provider'] as const satisfies readonly Role[];

export type AccessOptions = {
	/** Providers receive only data inside their jurisdiction (the handler filters). */
	jurisdiction?: boolean;
	/** Largest accepted request body, in bytes (default 64 KiB). */
	maxBodyBytes?: number;
	/** A short note for docs/access-matrix.md. */
	note?: string;
};

export type AccessRule = {
	/** null: everyone, the anonymous public included. Otherwise the roles allowed. */
	roles: readonly Role[] | null;
	jurisdiction: boolean;
	maxBodyBytes: number;
	note: string | null;
};

const rules = new WeakMap<object, AccessRule>();

/** Declares and enforces who may call a route. Must be the route's first middleware. */
export function access(audience: Audience, options: AccessOptions = {}): MiddlewareHandler<AppEnv> {
	const rule: AccessRule = {
		roles:
			audience === 'public'
				? null
				: audience === 'restricted'
					? RESTRICTED_ROLES
					: audience === 'signed-in'
						? ROLES
						: [...audience],
		jurisdiction: options.jurisdiction ?? false,
		maxBodyBytes: options.maxBodyBytes ?? DEFAULT_BODY_LIMIT,
		note: options.note ?? null
	};
	if (rule.roles?.length === 0) throw new Error('access([]) would allow nobody; list the roles');
	const limit = bodyLimitOf(rule.maxBodyBytes);
	const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
		c.set('accessRule', rule);
		if (rule.roles !== null) {
			const user = c.get('user');
			if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in to use this route');
			if (!rule.roles.includes(user.role)) {
				throw new ApiError(403, 'forbidden', `The ${user.role} role may not use this route`);
			}
			// Admin routes need an admin's second factor (issue #14): until it is enrolled the
			// session is good for enrolling it (the account page) and nothing only admins may do.
			if (rule.roles.every((role) => role === 'admin') && c.get('session')?.needsSecondFactor) {
				throw new ApiError(
					403,
					'mfa_required',
					'Set up a second factor (TOTP) on /cuenta before using admin routes'
				);
			}
		}
		await limit(c, next);
	};
	rules.set(middleware, rule);
	return middleware;
}

/** `access([...roles])`: 401 for the anonymous public, 403 for any other role. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
	return access(roles);
}

/** The rule a handler declares, if it is an `access(...)` middleware (also through `app.route`). */
export function ruleOf(handler: unknown): AccessRule | null {
	if (typeof handler !== 'function') return null;
	const own = rules.get(handler);
	if (own) return own;
	const composed = (handler as unknown as Record<string, unknown>)['__COMPOSED_HANDLER'];
	return composed ? ruleOf(composed) : null;
}

export type DeclaredRoute = { method: string; path: string; rule: AccessRule | null };

/**
 * Every endpoint of an app with its declared rule (null: none). Middleware registered with
 * `app.use` (method ALL) is not an endpoint and is left out.
 */
export function declaredRoutes(app: Hono<AppEnv>): DeclaredRoute[] {
	const byRoute = new Map<string, DeclaredRoute>();
	for (const route of app.routes) {
		if (route.method === 'ALL') continue;
		const id = `${route.method} ${route.path}`;
		const entry = byRoute.get(id) ?? { method: route.method, path: route.path, rule: null };
		entry.rule ??= ruleOf(route.handler);
		byRoute.set(id, entry);
	}
	return [...byRoute.values()];
}

/**
 * Fail closed: an endpoint that answered without declaring its rule gets its answer replaced by a
 * 500 (errors pass: they carry no data). Registered first, so it wraps everything.
 */
export function requireDeclaredAccess(): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		await next();
		if (c.get('accessRule') === undefined && c.res.status < 400) {
			console.error(`[api] ${c.req.method} ${c.req.path} answered without an access rule; refused`);
			c.res = new Response(
				JSON.stringify({ error: { code: 'internal', message: 'This route has no access rule.' } }),
				{ status: 500, headers: { 'Content-Type': 'application/json' } }
			);
		}
	};
}

/** CSRF: refuses a state-changing request sent by a browser from another origin (auth/csrf.ts). */
export function refuseCrossOrigin(): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const reason = crossOriginRefusal(c.req.method, c.req.raw.headers, new URL(c.req.url));
		if (reason) throw new ApiError(403, 'csrf', reason);
		await next();
	};
}

/** Loads `user` and `session` from the session cookie (null when absent, invalid or expired). */
export function loadSession(db: Database.Database): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const cookie = sessionCookie(new URL(c.req.url));
		const token = cookie ? getCookie(c, cookie.name) : undefined;
		const session = token ? authenticate(db, token) : null;
		c.set('session', session);
		c.set('user', session?.user ?? null);
		await next();
		if (session) c.header('Cache-Control', 'private, no-store');
	};
}

/** The client's address, for the audit log. */
export function clientIp(c: Context<AppEnv>): string | null {
	return c.env?.clientAddress ?? null;
}

/** The caller as the services take it: user, address and audit actor. */
export function viewerOf(c: Context<AppEnv>): Viewer {
	return viewerFor(c.get('user'), clientIp(c));
}

const AUDIENCES = [
	{ label: 'public (anonymous)', role: null },
	{ label: 'provider', role: 'provider' },
	{ label: 'planner', role: 'planner' },
	{ label: 'admin', role: 'admin' },
	{ label: 'reporter', role: 'reporter' }
] as const;

/**
 * What a caller gets from a rule: `yes`, `own jurisdiction`, `public view` (a reporter on a route
 * whose figures a provider gets exactly: it gets the public's), `401` or `403`.
 */
export function outcomeFor(
	rule: AccessRule,
	role: Role | null
): 'yes' | 'own jurisdiction' | 'public view' | '401' | '403' {
	if (role === 'reporter' && rule.roles === null && rule.jurisdiction) return 'public view';
	if (rule.roles === null) return 'yes';
	if (role === null) return '401';
	if (!rule.roles.includes(role)) return '403';
	return (role === 'provider' || role === 'reporter') && rule.jurisdiction ? 'own jurisdiction' : 'yes';
}

/** docs/access-matrix.md, generated from the routes themselves. */
export function accessMatrixMarkdown(routes: DeclaredRoute[]): string {
	const header = `| route | ${AUDIENCES.map((a) => a.label).join(' | ')} | notes |`;
	const rows = [...routes]
		.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
		.map((r) => {
			const cells = AUDIENCES.map((a) => (r.rule ? outcomeFor(r.rule, a.role) : '**no rule**'));
			return `| \`${r.method} ${r.path}\` | ${cells.join(' | ')} | ${r.rule?.note ?? ''} |`;
		});
	return [
		'# API access matrix',
		'',
		'<!-- Generated by tests/api/access-matrix.spec.ts from the `access(...)` rule each route declares',
		'     (src/lib/server/api/access.ts). Do not edit by hand: run',
		'     `npx vitest run tests/api/access-matrix.spec.ts -u` and review the diff. -->',
		'',
		'What each caller gets from each API route. `yes`: the route answers; `own jurisdiction`: a',
		'provider gets only data inside its departments and municipalities (403 `outside_jurisdiction`',
		'when it names a place outside them), a reporter only the community reports there; `public',
		'view`: a reporter (a programme facilitator or community liaison, not a security provider) gets',
		'what the anonymous public gets; `401`: sign in first (`unauthenticated`); `403`: this role',
		'may not (`forbidden`). Routes only admins may use answer 403 `mfa_required` to an admin who',
		'has not set up a second factor yet. Every state-changing request from another origin gets 403',
		'`csrf`, and every body over its limit 413. The test beside the generator calls every route as',
		'every role and checks these outcomes.',
		'',
		'## Scope rules',
		'',
		'Every figure a provider receives is a function only of the exact data of the municipalities',
		'inside its jurisdiction and of what the public release publishes (perturbed counts, 1–10',
		'suppressed, sensitive categories per department × quarter or year only). Statistics that',
		'borrow from other areas — smoothed rates, local Moran, Gi* and their p-values — are computed',
		'on a view of the country: exact inside, the published counts outside (a suppressed cell counts',
		'as 5.5; outside municipalities are missing, not neighbours, for categories the release has no',
		'municipal cells for); default periods come from the release. Hexagons and patrol cells read',
		'inside points only, before any row limit. A dialogue’s sensitive place and its summary reach',
		'admins and planners everywhere, a provider inside its jurisdiction only, the public never. The',
		'priority-index inputs are exact national figures: admins and planners only. Community reports',
		'(`/api/community-reports`) reach reporters and providers inside their jurisdiction only, and the',
		'public only through the public release (per department and quarter or year, protected).',
		'`tests/api/scope.spec.ts` changes exact outside data under a fixed release and checks that',
		'no answer a provider gets changes (src/lib/server/scope.ts).',
		'',
		'## Routes',
		'',
		header,
		`|${' --- |'.repeat(AUDIENCES.length + 2)}`,
		...rows,
		''
	].join('\n');
}
