import { Hono } from 'hono';
import {
	BookletInput,
	CommitmentInput,
	CommitmentQuery,
	CommitmentUpdate,
	DialogueInput,
	DialogueQuery,
	RecordId
} from '../../schemas/dialogues';
import { requestLocale } from '../../schemas/validation';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * Dialogues, their commitments, prevention booklets and the programmes they belong to. Each
 * handler calls one function of the dialogues service (src/lib/server/dialogues/service.ts), which
 * decides what the public may see, scopes commitments to a provider's jurisdiction and audits
 * every change. The public prevention page is under /municipalities/:code/prevention.
 */

const editors = () => access(['admin', 'planner']);

export function programmeRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().get('/', access('public'), (c) =>
		c.json({ programmes: services.dialogues.programmes() })
	);
}

export function dialogueRoutes({ services }: RouteDeps) {
	const dialogues = services.dialogues;
	return new Hono<AppEnv>()
		.get('/', access('public'), validate('query', DialogueQuery), (c) =>
			c.json({ dialogues: dialogues.list(viewerOf(c), c.req.valid('query')) })
		)
		.post('/', editors(), validate('json', DialogueInput), (c) => {
			const locale = requestLocale(c.req.header('accept-language'));
			return c.json(dialogues.create(viewerOf(c), c.req.valid('json'), locale), 201);
		})
		.put('/:id', editors(), validate('param', RecordId), validate('json', DialogueInput), (c) => {
			const locale = requestLocale(c.req.header('accept-language'));
			return c.json(dialogues.update(viewerOf(c), c.req.valid('param').id, c.req.valid('json'), locale));
		})
		.delete(
			'/:id',
			access(['admin', 'planner'], { note: 'its commitments go with it; its booklets stay, unlinked' }),
			validate('param', RecordId),
			(c) => c.json(dialogues.remove(viewerOf(c), c.req.valid('param').id))
		)
		.post(
			'/:id/commitments',
			editors(),
			validate('param', RecordId),
			validate('json', CommitmentInput),
			(c) => c.json(dialogues.addCommitment(viewerOf(c), c.req.valid('param').id, c.req.valid('json')), 201)
		);
}

export function commitmentRoutes({ services }: RouteDeps) {
	const dialogues = services.dialogues;
	return new Hono<AppEnv>()
		.get('/', access('restricted', { jurisdiction: true }), validate('query', CommitmentQuery), (c) => {
			const { format, ...filter } = c.req.valid('query');
			if (format === 'csv') {
				c.header('Content-Type', 'text/csv; charset=utf-8');
				c.header('Content-Disposition', 'attachment; filename="commitments.csv"');
				return c.body(dialogues.commitmentsCsv(viewerOf(c), filter));
			}
			return c.json({ commitments: dialogues.commitments(viewerOf(c), filter) });
		})
		.patch('/:id', editors(), validate('param', RecordId), validate('json', CommitmentUpdate), (c) =>
			c.json(dialogues.updateCommitment(viewerOf(c), c.req.valid('param').id, c.req.valid('json')))
		);
}

export function bookletRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>().post('/', editors(), validate('json', BookletInput), (c) => {
		const locale = requestLocale(c.req.header('accept-language'));
		return c.json(services.dialogues.addBooklet(viewerOf(c), c.req.valid('json'), locale), 201);
	});
}
