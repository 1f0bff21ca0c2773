import { serverContext } from '$lib/server/context';
import type { RequestHandler } from './$types';

/**
 * Every method under /api is answered by the Hono app. The client address (adapter-node honours
 * ADDRESS_HEADER behind a proxy) reaches it as `c.env.clientAddress`, for the audit log.
 */
export const fallback: RequestHandler = ({ request, getClientAddress }) =>
	serverContext().api.fetch(request, { clientAddress: getClientAddress() });
