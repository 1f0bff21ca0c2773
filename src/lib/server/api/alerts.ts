import { Hono } from 'hono';
import {
	AckInput,
	AlertsQuery,
	FeedTokenInput,
	ResponseId,
	ResponseInput,
	ResponseStatusInput
} from '../../schemas/alerts';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

/**
 * Early-warning alerts, mounted at /api/alerts (and the CSV at /api/alerts.csv): each handler
 * calls one function of the alerts service (src/lib/server/alerts/service.ts), which scopes to
 * the jurisdiction and audits. Exact restricted figures: never public. The one route without a
 * session is the personal Atom feed, whose unguessable, revocable token is the credential.
 */

const ANALYSTS = ['admin', 'planner', 'provider'] as const;

export function alertRoutes({ services }: RouteDeps) {
	const alerts = services.alerts;
	return new Hono<AppEnv>()
		.get('/', access(ANALYSTS, { jurisdiction: true }), validate('query', AlertsQuery), (c) =>
			c.json(alerts.list(viewerOf(c), c.req.valid('query')))
		)
		.post(
			'/ack',
			access(ANALYSTS, { jurisdiction: true, note: 'audited' }),
			validate('json', AckInput),
			(c) => c.json(alerts.acknowledge(viewerOf(c), c.req.valid('json')))
		)
		.post(
			'/responses',
			access(ANALYSTS, { jurisdiction: true, note: 'a new commitment, or a dialogue’s (planners); audited' }),
			validate('json', ResponseInput),
			(c) => c.json(alerts.respond(viewerOf(c), c.req.valid('json')), 201)
		)
		.patch(
			'/responses/:id',
			access(ANALYSTS, { jurisdiction: true, note: 'audited' }),
			validate('param', ResponseId),
			validate('json', ResponseStatusInput),
			(c) =>
				c.json(alerts.setResponseStatus(viewerOf(c), c.req.valid('param').id, c.req.valid('json').status))
		)
		.get(
			'/responses/:id/outcome',
			access(ANALYSTS, { jurisdiction: true, note: 'after the due date' }),
			validate('param', ResponseId),
			(c) => c.json(alerts.outcome(viewerOf(c), c.req.valid('param').id))
		)
		.get('/feed-token', access(ANALYSTS), (c) => c.json(alerts.feedStatus(viewerOf(c))))
		.post(
			'/feed-token',
			access(ANALYSTS, { note: 'audited; the token is shown once' }),
			validate('json', FeedTokenInput),
			(c) => c.json(alerts.createFeedToken(viewerOf(c), c.req.valid('json')), 201)
		)
		.delete('/feed-token', access(ANALYSTS, { note: 'audited' }), (c) =>
			c.json(alerts.revokeFeedToken(viewerOf(c)))
		)
		.get(
			'/feed/:file',
			access('public', {
				note: '`<token>.atom`: the token is the credential; owner’s scope'
			}),
			(c) => {
				const file = c.req.param('file');
				const body = file.endsWith('.atom')
					? alerts.feed(file.slice(0, -5), new URL(c.req.url).origin)
					: null;
				if (body === null) throw new ApiError(404, 'not_found', 'No such feed (revoked, or never made)');
				c.header('Content-Type', 'application/atom+xml; charset=utf-8');
				c.header('Cache-Control', 'private, no-store');
				c.header('Referrer-Policy', 'no-referrer');
				return c.body(body);
			}
		);
}

/** `GET /api/alerts.csv`: the same list as a spreadsheet download. */
export function alertCsvRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get(
		'/',
		access(ANALYSTS, { jurisdiction: true, note: 'export, audited' }),
		validate('query', AlertsQuery),
		(c) => {
			const { filename, body } = services.alerts.csv(viewerOf(c), c.req.valid('query'));
			c.header('Content-Type', 'text/csv; charset=utf-8');
			c.header('Content-Disposition', `attachment; filename="${filename}"`);
			return c.body(body);
		}
	);
}
