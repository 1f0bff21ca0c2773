import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { createServices } from '../services';
import { loadSession, refuseCrossOrigin, requireDeclaredAccess } from './access';
import { alertCsvRoutes, alertRoutes } from './alerts';
import { analysisRoutes } from './analysis';
import { contextRoutes } from './context';
import { auditRoutes } from './audit';
import { auditRefusals } from './audit-refusals';
import { authRoutes } from './auth';
import { boundaryRoutes } from './boundaries';
import { communityRoutes } from './community';
import type { ApiDeps, RouteDeps } from './deps';
import { bookletRoutes, commitmentRoutes, dialogueRoutes, programmeRoutes } from './dialogues';
import type { AppEnv } from './env';
import { errorBody, handleApiError } from './errors';
import { healthRoutes } from './health';
import { importRoutes } from './imports';
import { municipalityRoutes } from './municipalities';
import { preparedSlices, publicRoutes } from './public';
import { categoryRoutes, reportRoutes, statsRoutes } from './stats';
import { surveyRoutes } from './surveys';
import { userRoutes } from './users';

/**
 * The HTTP API, one sub-app per resource mounted on its own path, mounted by SvelteKit under
 * `/api` (src/routes/api/[...path]/+server.ts). Handlers are thin: they validate, pass the caller
 * (`viewerOf(c)`) to a service (src/lib/server/services) and answer. The chain is one expression
 * so that `AppType` carries every route's types to the browser's client (src/lib/api).
 * Tests call `createApi(deps).request(...)` directly. Every route declares who may call it with
 * `access(...)` (see access.ts).
 */
export function createApi(deps: ApiDeps) {
	const services = deps.services ?? createServices(deps);
	const routeDeps: RouteDeps = { db: deps.db, config: deps.config, services };
	const app = new Hono<AppEnv>().basePath('/api');
	// Order matters: the fail-closed check wraps everything; refusals are audited from outside the
	// CSRF check so that it sees that one too; CSRF refuses before any work; the session is loaded
	// before each route's `access(...)` rule reads it.
	app.use('*', requireDeclaredAccess());
	app.use('*', auditRefusals(deps.db));
	app.use('*', refuseCrossOrigin());
	app.use('*', loadSession(deps.db));
	// JSON responses are compressed on the fly; boundaries arrive precompressed and are left alone.
	app.use('*', compress());
	// Public answers that are slices of the release go out as prepared bytes (public.ts).
	app.use('*', preparedSlices());
	app.notFound((c) => c.json(errorBody('not_found', `No API route for ${c.req.method} ${c.req.path}`), 404));
	app.onError(handleApiError);
	return app
		.route('/health', healthRoutes(routeDeps))
		.route('/municipalities', municipalityRoutes(routeDeps))
		.route('/boundaries', boundaryRoutes(routeDeps))
		.route('/categories', categoryRoutes(routeDeps))
		.route('/stats', statsRoutes(routeDeps))
		.route('/reports', reportRoutes(routeDeps))
		.route('/imports', importRoutes(routeDeps))
		.route('/surveys', surveyRoutes(routeDeps))
		.route('/programmes', programmeRoutes(routeDeps))
		.route('/dialogues', dialogueRoutes(routeDeps))
		.route('/commitments', commitmentRoutes(routeDeps))
		.route('/booklets', bookletRoutes(routeDeps))
		.route('/analysis', analysisRoutes(routeDeps))
		.route('/context', contextRoutes(routeDeps))
		.route('/community-reports', communityRoutes(routeDeps))
		.route('/alerts', alertRoutes(routeDeps))
		.route('/alerts.csv', alertCsvRoutes(routeDeps))
		.route('/auth', authRoutes(routeDeps))
		.route('/users', userRoutes(routeDeps))
		.route('/audit', auditRoutes(routeDeps))
		.route('/public', publicRoutes(routeDeps));
}

export type Api = ReturnType<typeof createApi>;
/** The API's routes and their types, for the browser's typed client (`hc<AppType>`). */
export type AppType = Api;
