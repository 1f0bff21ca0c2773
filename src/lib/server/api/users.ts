import { Hono } from 'hono';
import { NewUser, UserId, UserPatch } from '../../schemas/users';
import type { PasswordHasher } from '../auth/password';
import { createUser, getUser, listUsers, updateUser, UserError } from '../auth/users';
import { access, clientIp } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

const STATUS = {
	email_taken: 409,
	not_found: 404,
	last_admin: 409,
	unknown_codes: 400,
	jurisdiction_required: 400
} as const;

function asApiError(error: unknown): never {
	if (error instanceof UserError) throw new ApiError(STATUS[error.code], error.code, error.message);
	throw error;
}

/** User management, admins only. Users are disabled, never deleted: the audit log names them. */
export function userRoutes({ db }: ApiDeps, hasher: PasswordHasher) {
	const admin = () => access(['admin']);
	return new Hono<AppEnv>()
		.get('/', admin(), (c) => c.json({ users: listUsers(db) }))
		.post('/', admin(), validate('json', NewUser), async (c) => {
			const by = { actor: c.get('user'), ip: clientIp(c) };
			const user = await createUser(db, hasher, c.req.valid('json'), by).catch(asApiError);
			return c.json({ user }, 201);
		})
		.get('/:id', admin(), validate('param', UserId), (c) => {
			const user = getUser(db, c.req.valid('param').id);
			if (!user) throw new ApiError(404, 'not_found', 'No such user');
			return c.json({ user });
		})
		.patch('/:id', admin(), validate('param', UserId), validate('json', UserPatch), async (c) => {
			const by = { actor: c.get('user'), ip: clientIp(c) };
			const user = await updateUser(db, hasher, c.req.valid('param').id, c.req.valid('json'), by).catch(
				asApiError
			);
			return c.json({ user });
		});
}
