import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { boundaryRoutes, createBoundaryStore } from './boundaries';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { errorBody, handleApiError } from './errors';
import { healthRoutes } from './health';
import { municipalityRoutes } from './municipalities';

/**
 * The HTTP API, one sub-app per resource, mounted by SvelteKit under `/api`
 * (src/routes/api/[...path]/+server.ts). Tests call `createApi(deps).request(...)` directly.
 */
export function createApi(deps: ApiDeps) {
	const boundaries = createBoundaryStore(deps.config.boundariesDir);
	const app = new Hono<AppEnv>().basePath('/api');
	// Until sessions exist every caller is the anonymous public (see the access-control issue).
	app.use('*', async (c, next) => {
		c.set('user', null);
		await next();
	});
	// JSON responses are compressed on the fly; boundaries arrive precompressed and are left alone.
	app.use('*', compress());
	app.route('/health', healthRoutes(deps));
	app.route('/municipalities', municipalityRoutes(deps));
	app.route('/boundaries', boundaryRoutes(deps, boundaries));
	app.notFound((c) => c.json(errorBody('not_found', `No API route for ${c.req.method} ${c.req.path}`), 404));
	app.onError(handleApiError);
	return app;
}

export type Api = ReturnType<typeof createApi>;
