import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { LoginBody, PasswordChange } from '../../schemas/users';
import { sessionCookie } from '../auth/cookie';
import { SESSION_LIMITS } from '../auth/sessions';
import { access, clientIp, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

/** The cookie for this request, or 403 when the transport may not carry a session (plain http off loopback). */
function cookieFor(c: Context<AppEnv>) {
	const cookie = sessionCookie(new URL(c.req.url));
	if (!cookie) {
		throw new ApiError(
			403,
			'insecure_transport',
			'Sign-in needs HTTPS. Behind a TLS proxy, set ORIGIN=https://your-host for the server.'
		);
	}
	return cookie;
}

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`, `POST /api/auth/password`. */
export function authRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>()
		.post(
			'/login',
			access('public', { note: 'sets the session cookie' }),
			validate('json', LoginBody),
			async (c) => {
				const cookie = cookieFor(c);
				const { email, password } = c.req.valid('json');
				const outcome = await services.users.login({
					email,
					password,
					ip: clientIp(c),
					userAgent: c.req.header('User-Agent') ?? null,
					previousToken: getCookie(c, cookie.name) ?? null
				});
				c.header('Cache-Control', 'no-store');
				if (!outcome.ok && outcome.reason === 'locked') {
					c.header('Retry-After', String(outcome.retryAfterSeconds));
					const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
					throw new ApiError(
						429,
						'too_many_attempts',
						`Too many failed sign-ins for this account; try again in ${minutes} min`
					);
				}
				if (!outcome.ok) throw new ApiError(401, 'invalid_credentials', 'Wrong email or password');
				setCookie(c, cookie.name, outcome.session.token, {
					...cookie.options,
					sameSite: 'Lax',
					maxAge: Math.floor(SESSION_LIMITS.absoluteMs / 1000)
				});
				return c.json({ user: outcome.user, expiresAt: new Date(outcome.session.expiresAt).toISOString() });
			}
		)
		.post('/logout', access('public', { note: 'ends the session, if any' }), (c) => {
			services.users.logout(c.get('session'), viewerOf(c));
			const cookie = sessionCookie(new URL(c.req.url));
			if (cookie) deleteCookie(c, cookie.name, { ...cookie.options, sameSite: 'Lax' });
			c.header('Cache-Control', 'no-store');
			return c.body(null, 204);
		})
		.get('/me', access('public', { note: '`{"user":null}` when anonymous' }), (c) => {
			c.header('Cache-Control', 'private, no-store');
			return c.json({ user: c.get('user') });
		})
		.post(
			'/password',
			access('restricted', { note: 'own password; ends the other sessions' }),
			validate('json', PasswordChange),
			async (c) => {
				const outcome = await services.users.changePassword(
					c.get('session')!,
					c.req.valid('json'),
					viewerOf(c)
				);
				if (outcome === 'locked') {
					throw new ApiError(
						429,
						'too_many_attempts',
						'Too many failed attempts for this account; try again later'
					);
				}
				if (outcome === 'wrong')
					throw new ApiError(403, 'invalid_credentials', 'The current password is wrong');
				return c.body(null, 204);
			}
		);
}
