import { serverContext } from '$lib/server/context';
import type { RequestHandler } from './$types';

/** Every method under /api is answered by the Hono app. */
export const fallback: RequestHandler = ({ request }) => serverContext().api.fetch(request);
