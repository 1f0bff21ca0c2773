import { Hono } from 'hono';
import {
	CommunityFiguresQuery,
	CommunityReject,
	CommunityReportId,
	CommunityReportInput,
	CommunityReportQuery
} from '../../schemas/community';
import { requestLocale } from '../../schemas/validation';
import { z } from 'zod';
import { CategoryId } from '$lib/domain/categories';
import { MAX_DESCRIPTION } from '$lib/domain/community/report';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * Community reports (issue 18): recorded by reporters (their jurisdiction) and planners, verified
 * or rejected by planners and admins. Each handler calls one function of the community service
 * (src/lib/server/community/service.ts), which scopes, checks and audits.
 */

const RECORDERS = ['admin', 'planner', 'reporter'] as const;
const REVIEWERS = ['admin', 'planner'] as const;
/** A CSV of at most MAX_IMPORT_ROWS reports fits easily. */
const IMPORT_BYTES = 2 * 1024 * 1024;

const CheckBody = z.object({ description: z.string().max(MAX_DESCRIPTION) }).strict();
const PublicQuery = z.object({ category: CategoryId.optional() });

export function communityRoutes({ services }: RouteDeps) {
	const community = services.community;
	return new Hono<AppEnv>()
		.get(
			'/',
			access(RECORDERS, { jurisdiction: true, note: 'descriptions: never public' }),
			validate('query', CommunityReportQuery),
			(c) => c.json(community.list(viewerOf(c), c.req.valid('query')))
		)
		.post(
			'/',
			access(RECORDERS, { jurisdiction: true, note: '422 `personal_data` until names/phones are confirmed' }),
			validate('json', CommunityReportInput),
			(c) => {
				const locale = requestLocale(c.req.header('accept-language'));
				return c.json(community.create(viewerOf(c), c.req.valid('json'), { locale }), 201);
			}
		)
		.post(
			'/check',
			access(RECORDERS, { note: 'names, phones, e-mails in a description' }),
			validate('json', CheckBody),
			(c) => c.json(community.check(c.req.valid('json').description))
		)
		.post(
			'/import',
			access(RECORDERS, { jurisdiction: true, maxBodyBytes: IMPORT_BYTES, note: 'CSV, all or nothing' }),
			async (c) => {
				const locale = requestLocale(c.req.header('accept-language'));
				const text = await c.req.text();
				const fileName = c.req.header('x-file-name')?.slice(0, 200) ?? undefined;
				return c.json(community.importCsv(viewerOf(c), text, { locale, fileName }), 201);
			}
		)
		.get(
			'/figures',
			access(['admin', 'planner', 'provider', 'reporter'], {
				jurisdiction: true,
				note: 'verified only; a source of its own'
			}),
			validate('query', CommunityFiguresQuery),
			(c) => c.json(community.figures(viewerOf(c), c.req.valid('query')))
		)
		.get(
			'/public',
			access('public', { note: 'from the public release: department × quarter/year' }),
			validate('query', PublicQuery),
			(c) => c.json(community.publicFigures(c.req.valid('query').category))
		)
		.get('/:id', access(RECORDERS, { jurisdiction: true }), validate('param', CommunityReportId), (c) =>
			c.json(community.get(viewerOf(c), c.req.valid('param').id))
		)
		.post(
			'/:id/verify',
			access(REVIEWERS, { note: 'not one’s own report' }),
			validate('param', CommunityReportId),
			(c) => c.json(community.verify(viewerOf(c), c.req.valid('param').id))
		)
		.post(
			'/:id/reject',
			access(REVIEWERS, { note: 'with a reason' }),
			validate('param', CommunityReportId),
			validate('json', CommunityReject),
			(c) => c.json(community.reject(viewerOf(c), c.req.valid('param').id, c.req.valid('json').reason))
		);
}
