import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { createPasswordHasher, passwordHasher } from '../auth/password';
import { loadSession, refuseCrossOrigin, requireDeclaredAccess } from './access';
import { auditRoutes } from './audit';
import { authRoutes } from './auth';
import { boundaryRoutes, createBoundaryStore } from './boundaries';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { errorBody, handleApiError } from './errors';
import { healthRoutes } from './health';
import { municipalityRoutes } from './municipalities';
import { importRoutes } from './imports';
import { statsRoutes } from './stats';
import { surveyRoutes } from './surveys';
import { dialogueRoutes } from './dialogues';
import { analysisRoutes } from './analysis';
import { createStatsService } from '../stats/stats';
import { userRoutes } from './users';

/**
 * The HTTP API, one sub-app per resource, mounted by SvelteKit under `/api`
 * (src/routes/api/[...path]/+server.ts). Tests call `createApi(deps).request(...)` directly.
 * Every route declares who may call it with `access(...)` (see access.ts).
 */
export function createApi(deps: ApiDeps) {
	const boundaries = createBoundaryStore(deps.config.boundariesDir);
	const hasher = deps.testOnlyScrypt ? createPasswordHasher(deps.testOnlyScrypt) : passwordHasher();
	const stats = createStatsService(deps.db);
	const app = new Hono<AppEnv>().basePath('/api');
	// Order matters: the fail-closed check wraps everything; CSRF refuses before any work; the
	// session is loaded before each route's `access(...)` rule reads it.
	app.use('*', requireDeclaredAccess());
	app.use('*', refuseCrossOrigin());
	app.use('*', loadSession(deps.db));
	// JSON responses are compressed on the fly; boundaries arrive precompressed and are left alone.
	app.use('*', compress());
	app.route('/health', healthRoutes(deps));
	app.route('/municipalities', municipalityRoutes(deps));
	app.route('/boundaries', boundaryRoutes(deps, boundaries));
	app.route('/', statsRoutes({ ...deps, stats }));
	app.route('/imports', importRoutes(deps));
	app.route('/', surveyRoutes(deps));
	app.route('/', dialogueRoutes({ ...deps, stats }));
	app.route('/', analysisRoutes({ ...deps, stats }));
	app.route('/auth', authRoutes(deps, hasher));
	app.route('/users', userRoutes(deps, hasher));
	app.route('/audit', auditRoutes(deps));
	app.notFound((c) => c.json(errorBody('not_found', `No API route for ${c.req.method} ${c.req.path}`), 404));
	app.onError(handleApiError);
	return app;
}

export type Api = ReturnType<typeof createApi>;
