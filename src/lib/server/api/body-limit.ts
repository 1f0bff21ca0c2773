import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ServiceError } from '../errors';
import type { AppEnv } from './env';
import { ApiError } from './errors';

/** Up to this limit a chunked body is buffered to be counted (hono's bodyLimit); above, streamed. */
const BUFFERED_BODY_LIMIT = 1024 * 1024;

/**
 * The body limit of a route (`access(rule, { maxBodyBytes })`), 413 `payload_too_large` past it,
 * with or without a Content-Length. Small limits use hono's bodyLimit, which buffers a chunked
 * body to count it: fine for 64 KiB, not for a 512 MB upload, which is counted as it streams.
 */
export function bodyLimitOf(maxBytes: number): MiddlewareHandler<AppEnv> {
	const message = `Request body larger than ${maxBytes} bytes`;
	if (maxBytes <= BUFFERED_BODY_LIMIT) {
		return bodyLimit({
			maxSize: maxBytes,
			onError: () => {
				throw new ApiError(413, 'payload_too_large', message);
			}
		});
	}
	return streamingBodyLimit(maxBytes, message);
}

/**
 * A declared Content-Length over the limit is refused at once (Node's HTTP parser never reads a
 * body past it); any other body is counted as the handler reads it, and the stream fails with the
 * ServiceError `payload_too_large` past the limit. The reader (the import service) lets that error
 * through, so the caller gets 413 and nothing past the limit is ever written anywhere.
 */
function streamingBodyLimit(maxBytes: number, message: string): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const raw = c.req.raw;
		if (!raw.body) return next();
		const declared = raw.headers.get('content-length');
		if (declared !== null && !raw.headers.has('transfer-encoding') && Number(declared) > maxBytes)
			throw new ApiError(413, 'payload_too_large', message);
		let size = 0;
		const counted = raw.body.pipeThrough(
			new TransformStream<Uint8Array, Uint8Array>({
				transform(chunk, controller) {
					size += chunk.byteLength;
					if (size > maxBytes) controller.error(new ServiceError('payload_too_large', message));
					else controller.enqueue(chunk);
				}
			})
		);
		c.req.raw = new Request(raw, { body: counted, duplex: 'half' } as RequestInit);
		await next();
	};
}
