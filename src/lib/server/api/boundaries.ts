import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { z } from 'zod';
import { access } from './access';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

export const BOUNDARY_LAYERS = ['municipalities', 'departments'] as const;
export type BoundaryLayer = (typeof BOUNDARY_LAYERS)[number];

type Encoded = { etag: string; version: string; identity: Buffer; gzip: Buffer; br: Buffer; mtimeMs: number };

/**
 * Web boundaries are built once by `npm run geo:build` into the untracked build folder. They are
 * read and compressed once per file version (gzip and brotli at high levels, which would be too
 * slow per request) and kept in memory: ~1 MB in all.
 */
export function createBoundaryStore(boundariesDir: string) {
	const cache = new Map<BoundaryLayer, Encoded>();
	return {
		get(layer: BoundaryLayer): Encoded | null {
			const file = path.join(boundariesDir, `${layer}.topo.json`);
			let stat: fs.Stats;
			try {
				stat = fs.statSync(file);
			} catch {
				return null;
			}
			const cached = cache.get(layer);
			if (cached && cached.mtimeMs === stat.mtimeMs) return cached;
			const identity = fs.readFileSync(file);
			const version = createHash('sha256').update(identity).digest('hex').slice(0, 16);
			const encoded: Encoded = {
				etag: `"${version}"`,
				version,
				identity,
				gzip: gzipSync(identity, { level: 9 }),
				br: brotliCompressSync(identity, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 9 } }),
				mtimeMs: stat.mtimeMs
			};
			cache.set(layer, encoded);
			return encoded;
		}
	};
}

export type BoundaryStore = ReturnType<typeof createBoundaryStore>;

/** Picks the smallest encoding the client accepts. */
function negotiate(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
	const accepted = (acceptEncoding ?? '').toLowerCase();
	if (/\bbr\b/.test(accepted)) return 'br';
	if (/\bgzip\b/.test(accepted)) return 'gzip';
	return 'identity';
}

export function boundaryRoutes(store: BoundaryStore) {
	return new Hono<AppEnv>().get(
		'/:layer',
		access('public'),
		validate('param', z.object({ layer: z.enum(BOUNDARY_LAYERS) })),
		validate('query', z.object({ v: z.string().max(64).optional() })),
		(c) => {
			const { layer } = c.req.valid('param');
			const { v } = c.req.valid('query');
			const file = store.get(layer);
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
