import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { ReleaseTableParam } from '../../schemas/release';
import { preparedOf, type PreparedSlice } from '../release/prepared';
import { access } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * The public release itself (docs/disclosure.md), the HDX way: its manifest (version, when it was
 * built, its tables and the rules protecting them), one CSV per table and a data dictionary.
 * Mounted at /api/public, with the index of the public prevention map. Every other public answer (figures, series, surveys, prevention) is a
 * slice of the same release, served by its own route and sent prepared by `preparedSlices`.
 */

const CACHE_CONTROL = 'public, max-age=300';

/** Picks the smallest encoding the client accepts. */
function negotiate(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
	const accepted = (acceptEncoding ?? '').toLowerCase();
	if (/\bbr\b/.test(accepted)) return 'br';
	if (/\bgzip\b/.test(accepted)) return 'gzip';
	return 'identity';
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
	return !!ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** A prepared slice with its strong ETag: 304 when the client has it, else the smallest encoding. */
function sendPrepared(c: Context<AppEnv>, slice: PreparedSlice): Response {
	const headers: Record<string, string> = {
		ETag: slice.etag,
		'Cache-Control': CACHE_CONTROL,
		Vary: 'Accept-Encoding',
		'X-Release': String(slice.release)
	};
	if (matches(c.req.header('If-None-Match'), slice.etag)) return c.body(null, 304, headers);
	const encoding = negotiate(c.req.header('Accept-Encoding'));
	if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
	headers['Content-Type'] = 'application/json; charset=utf-8';
	const body = encoding === 'br' ? slice.br : encoding === 'gzip' ? slice.gzip : slice.identity;
	return c.body(new Uint8Array(body), 200, headers);
}

/**
 * Sends the public answers of every route as the release prepared them: serialized and compressed
 * once per release, with a strong ETag (304 on If-None-Match) and `Cache-Control: public,
 * max-age=300`. Handlers stay as they are — `c.json(service(...))` with their types for the
 * browser's client — and this recognises, by identity, an answer object that is a slice of the
 * release (release/prepared.ts) and sends its bytes instead of serializing it again. Only for the
 * anonymous public: a signed-in caller's answers are private and never slices.
 */
export function preparedSlices(): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		if (c.req.method === 'GET' || c.req.method === 'HEAD') {
			const json = c.json;
			const answer: typeof json = (object: unknown, ...rest: unknown[]) => {
				const slice = c.get('user') === null ? preparedOf(object) : null;
				if (slice) return sendPrepared(c, slice) as ReturnType<typeof json>;
				return (json as (o: unknown, ...r: unknown[]) => Response)(object, ...rest) as ReturnType<
					typeof json
				>;
			};
			c.json = answer;
		}
		await next();
	};
}

export function publicRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>()
		.get('/release', access('public', { note: 'manifest of the public release' }), (c) =>
			c.json(services.release.manifest())
		)
		.get('/dictionary', access('public', { note: 'data dictionary of the public tables' }), (c) =>
			c.json(services.release.dictionary())
		)
		.get(
			'/prevention',
			access('public', { note: 'municipalities with prevention facts (the /publico map)' }),
			(c) => c.json(services.release.preventionIndex())
		)
		.get(
			'/tables/:file',
			access('public', { note: 'one table of the public release, CSV' }),
			validate('param', ReleaseTableParam),
			(c) => {
				const { file: table } = c.req.valid('param');
				const { release, chunks } = services.release.table(table);
				const etag = `"r${release}-${table}"`;
				const headers: Record<string, string> = {
					ETag: etag,
					'Cache-Control': CACHE_CONTROL,
					'X-Release': String(release),
					'Content-Type': 'text/csv; charset=utf-8',
					'Content-Disposition': `attachment; filename="resiliencia-${table}-r${release}.csv"`
				};
				if (matches(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
				// Generated while it is sent, one category and area at a time (the issues table of the
				// real data is ~150 MB): the compress middleware gzips the stream.
				const encoder = new TextEncoder();
				const stream = new ReadableStream<Uint8Array>({
					pull(controller) {
						const next = chunks.next();
						if (next.done) controller.close();
						else controller.enqueue(encoder.encode(next.value));
					}
				});
				return c.body(stream, 200, headers);
			}
		);
}
