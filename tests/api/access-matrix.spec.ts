import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/lib/schemas/users';
import {
	access,
	accessMatrixMarkdown,
	declaredRoutes,
	outcomeFor,
	requireDeclaredAccess
} from '../../src/lib/server/api/access';
import type { AppEnv } from '../../src/lib/server/api/env';
import { addUser, createTestContext, jsonHeaders, sessionCookieFor } from './helpers';

/**
 * The route × role matrix: every API route, called by the anonymous public and by each role,
 * answers as its declared `access(...)` rule says; a route with no rule fails here. The same
 * rules generate docs/access-matrix.md, which must be up to date.
 */

let ctx: ReturnType<typeof createTestContext>;
const userIds: Partial<Record<Role, number>> = {};
let targetId = 0;

beforeAll(async () => {
	ctx = createTestContext();
	for (const role of ['admin', 'planner', 'provider', 'reporter'] as const) {
		const jurisdiction =
			role === 'provider'
				? { departments: ['52'] }
				: role === 'reporter'
					? { municipalities: ['52835'] }
					: {};
		userIds[role] = (await addUser(ctx.db, { email: `${role}@example.org`, role, jurisdiction })).id;
	}
	targetId = (await addUser(ctx.db, { email: 'target@example.org', role: 'planner' })).id;
	// Boundaries present, so the boundary routes answer 200 rather than 503.
	fs.mkdirSync(ctx.config.boundariesDir, { recursive: true });
	for (const layer of ['municipalities', 'departments']) {
		fs.writeFileSync(
			path.join(ctx.config.boundariesDir, `${layer}.topo.json`),
			'{"type":"Topology","objects":{},"arcs":[]}'
		);
	}
});
afterAll(() => ctx.cleanup());

/** A value for each path parameter, inside the provider's (Nariño) and reporter's (Tumaco) jurisdiction. */
function samplePath(routePath: string): string {
	const samples: Record<string, () => string> = {
		code: () => '52835',
		layer: () => 'municipalities',
		file: () => 'issues.csv',
		id: () => String(targetId)
	};
	return routePath.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => {
		const sample = samples[name];
		if (!sample)
			throw new Error(`Add a sample value for the path parameter :${name} in access-matrix.spec.ts`);
		return sample();
	});
}

const CALLERS = [null, 'provider', 'planner', 'admin', 'reporter'] as const;

describe('route × role matrix', () => {
	it('every route declares an access rule', () => {
		const routes = declaredRoutes(ctx.api);
		expect(routes.length).toBeGreaterThan(8);
		expect(routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`)).toEqual([]);
	});

	it('docs/access-matrix.md matches the declared rules', async () => {
		// Formatted as `npm run lint` expects, so the file passes both this test and Prettier.
		const file = path.resolve('docs/access-matrix.md');
		const options = await prettier.resolveConfig(file);
		const markdown = await prettier.format(accessMatrixMarkdown(declaredRoutes(ctx.api)), {
			...options,
			filepath: file
		});
		await expect(markdown).toMatchFileSnapshot('../../docs/access-matrix.md');
	});

	const routes = () => declaredRoutes(ctx.api);
	it('calls every route as every caller and gets what the rule says', async () => {
		const seen: string[] = [];
		for (const route of routes()) {
			for (const caller of CALLERS) {
				// A fresh session per call: logout must not spoil the next one.
				const cookie = caller ? sessionCookieFor(ctx.db, userIds[caller]!) : null;
				const write = route.method !== 'GET';
				const res = await ctx.api.request(samplePath(route.path), {
					method: route.method,
					headers: write ? jsonHeaders(cookie) : cookie ? { Cookie: cookie } : {},
					body: write ? '{}' : undefined
				});
				const expected = outcomeFor(route.rule!, caller);
				const label = `${route.method} ${route.path} as ${caller ?? 'anonymous'} → ${res.status}`;
				seen.push(label);
				if (expected === '401' || expected === '403') {
					expect(res.status, label).toBe(Number(expected));
					const body = (await res.json()) as { error: { code: string } };
					expect(body.error.code, label).toBe(expected === '401' ? 'unauthenticated' : 'forbidden');
				} else {
					expect([401, 403], label).not.toContain(res.status);
					expect(res.status, label).toBeLessThan(500);
				}
			}
		}
		expect(seen.length).toBe(routes().length * CALLERS.length);
	});

	it('refuses at run time an endpoint that declares no rule, before its data leaves', async () => {
		const app = new Hono<AppEnv>().basePath('/api');
		app.use('*', requireDeclaredAccess());
		app.get('/leaky', (c) => c.json({ secret: 'named victim' }));
		app.get('/ruled', access('public'), (c) => c.json({ ok: true }));
		expect(declaredRoutes(app).map((r) => [r.path, r.rule === null])).toEqual([
			['/api/leaky', true],
			['/api/ruled', false]
		]);
		const originalError = console.error;
		console.error = () => {};
		try {
			const res = await app.request('/api/leaky');
			expect(res.status).toBe(500);
			expect(await res.text()).not.toContain('victim');
		} finally {
			console.error = originalError;
		}
		expect((await app.request('/api/ruled')).status).toBe(200);
	});
});
