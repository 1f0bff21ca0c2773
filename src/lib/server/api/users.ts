import { Hono, type MiddlewareHandler } from 'hono';
import { NewUser, UserId, UserPatch } from '../../schemas/users';
import { loadPasswordScorer } from '../auth/strength';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/**
 * Before `validate` on a body that sets a password: the strength dictionaries are loaded (once,
 * on first use) so that the schema refuses a guessable password at its field, in the caller's
 * language (auth/strength.ts).
 */
export function passwordStrength(): MiddlewareHandler<AppEnv> {
	return async (_c, next) => {
		await loadPasswordScorer();
		await next();
	};
}

/** User management, admins only. Users are disabled, never deleted: the audit log names them. */
export function userRoutes({ services }: RouteDeps) {
	const admin = () => access(['admin']);
	return new Hono<AppEnv>()
		.get('/', admin(), (c) => c.json({ users: services.users.list(viewerOf(c)) }))
		.post('/', admin(), passwordStrength(), validate('json', NewUser), async (c) => {
			const user = await services.users.create(viewerOf(c), c.req.valid('json'));
			return c.json({ user }, 201);
		})
		.get('/:id', admin(), validate('param', UserId), (c) =>
			c.json({ user: services.users.get(viewerOf(c), c.req.valid('param').id) })
		)
		.patch(
			'/:id',
			admin(),
			passwordStrength(),
			validate('param', UserId),
			validate('json', UserPatch),
			async (c) => {
				const user = await services.users.update(viewerOf(c), c.req.valid('param').id, c.req.valid('json'));
				return c.json({ user });
			}
		);
}
