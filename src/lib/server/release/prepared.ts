import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

/**
 * A public answer as the API sends it: serialized once, compressed once with brotli and gzip, and
 * named by a strong ETag, for as long as its release is current (every visitor gets the same
 * bytes). The answer object itself is what pages and the API's handlers receive; the API finds its
 * bytes here by the object's identity (api/public.ts, `preparedSlices`).
 */
export type PreparedSlice = {
	etag: string;
	release: number;
	identity: Buffer;
	gzip: Buffer;
	br: Buffer;
};

const prepared = new WeakMap<object, { release: number; bytes: PreparedSlice | null }>();

/** Marks an answer object as the public slice of release `release` (its bytes are made on first use). */
export function markSlice<T extends object>(answer: T, release: number): T {
	prepared.set(answer, { release, bytes: null });
	return answer;
}

/** The bytes of a marked answer, or null for any other object. */
export function preparedOf(answer: unknown): PreparedSlice | null {
	if (typeof answer !== 'object' || answer === null) return null;
	const entry = prepared.get(answer);
	if (!entry) return null;
	if (!entry.bytes) {
		const identity = Buffer.from(JSON.stringify(answer));
		const digest = createHash('sha256').update(identity).digest('base64url').slice(0, 22);
		entry.bytes = {
			etag: `"r${entry.release}-${digest}"`,
			release: entry.release,
			identity,
			gzip: gzipSync(identity, { level: 9 }),
			br: brotliCompressSync(identity, {
				params: {
					[zlib.BROTLI_PARAM_QUALITY]: 9,
					[zlib.BROTLI_PARAM_SIZE_HINT]: identity.length
				}
			})
		};
	}
	return entry.bytes;
}
