import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

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
