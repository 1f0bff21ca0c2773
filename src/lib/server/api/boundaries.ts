import { Hono } from 'hono';
import { z } from 'zod';
import { BOUNDARY_LAYERS } from '../geography/boundaries';
import { access } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

/** Picks the smallest encoding the client accepts. */
function negotiate(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
	const accepted = (acceptEncoding ?? '').toLowerCase();
	if (/\bbr\b/.test(accepted)) return 'br';
	if (/\bgzip\b/.test(accepted)) return 'gzip';
	return 'identity';
}

export function boundaryRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get(
		'/:layer',
		access('public'),
		validate('param', z.object({ layer: z.enum(BOUNDARY_LAYERS) })),
		validate('query', z.object({ v: z.string().max(64).optional() })),
		(c) => {
			const { layer } = c.req.valid('param');
			const { v } = c.req.valid('query');
			const file = services.geography.boundaries(layer);
			if (!file) {
				throw new ApiError(
					503,
					'boundaries_missing',
					'Web boundaries have not been built yet: run `npm run geo:build`.'
				);
			}
			// A URL that names the current version never changes, so it may be cached for a year;
			// an unversioned URL is revalidated with its ETag.
			const cacheControl =
				v === file.version ? 'public, max-age=31536000, immutable' : 'public, max-age=3600, must-revalidate';
			const headers: Record<string, string> = {
				ETag: file.etag,
				'Cache-Control': cacheControl,
				Vary: 'Accept-Encoding',
				'Content-Type': 'application/json; charset=utf-8',
				'X-Boundaries-Version': file.version
			};
			const ifNoneMatch = c.req.header('If-None-Match');
			if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
				return c.body(null, 304, headers);
			}
			const encoding = negotiate(c.req.header('Accept-Encoding'));
			if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
			const body = encoding === 'br' ? file.br : encoding === 'gzip' ? file.gzip : file.identity;
			return c.body(new Uint8Array(body), 200, headers);
		}
	);
}
