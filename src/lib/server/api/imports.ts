import { Hono } from 'hono';
import { BatchParam, ImportJobParam, UploadQuery } from '../../schemas/imports';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * Imports over HTTP for planners and admins (src/lib/server/import/service.ts): the upload answers
 * at once with a job whose progress the page polls; batches are listed and deleted whole.
 */
export function importRoutes({ config, services }: RouteDeps) {
	const importer = () => access(['admin', 'planner']);
	return new Hono<AppEnv>()
		.get('/mappings', importer(), (c) => c.json({ mappings: services.imports.mappings(viewerOf(c)) }))
		.post(
			'/',
			access(['admin', 'planner'], { maxBodyBytes: config.uploadMaxBytes, note: 'file upload' }),
			validate('query', UploadQuery),
			async (c) => {
				const job = await services.imports.enqueueUpload(viewerOf(c), c.req.raw.body, c.req.valid('query'));
				return c.json({ job }, 202);
			}
		)
		.get('/jobs/:id', importer(), validate('param', ImportJobParam), (c) =>
			c.json({ job: services.imports.job(viewerOf(c), c.req.valid('param').id) })
		)
		.get('/batches', importer(), (c) => c.json({ batches: services.imports.batches(viewerOf(c)) }))
		.delete('/batches/:id', importer(), validate('param', BatchParam), (c) =>
			c.json(services.imports.deleteBatch(viewerOf(c), c.req.valid('param').id))
		);
}
