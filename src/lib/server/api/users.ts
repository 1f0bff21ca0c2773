import { Hono } from 'hono';
import { NewUser, UserId, UserPatch } from '../../schemas/users';
import { access, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { validate } from './validate';

/** User management, admins only. Users are disabled, never deleted: the audit log names them. */
export function userRoutes({ services }: RouteDeps) {
	const admin = () => access(['admin']);
	return new Hono<AppEnv>()
		.get('/', admin(), (c) => c.json({ users: services.users.list(viewerOf(c)) }))
		.post('/', admin(), validate('json', NewUser), async (c) => {
			const user = await services.users.create(viewerOf(c), c.req.valid('json'));
			return c.json({ user }, 201);
		})
		.get('/:id', admin(), validate('param', UserId), (c) =>
			c.json({ user: services.users.get(viewerOf(c), c.req.valid('param').id) })
		)
		.patch('/:id', admin(), validate('param', UserId), validate('json', UserPatch), async (c) => {
			const user = await services.users.update(viewerOf(c), c.req.valid('param').id, c.req.valid('json'));
			return c.json({ user });
		});
}
