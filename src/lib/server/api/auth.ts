import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { LoginBody, PasswordChange, SecondFactorBody } from '../../schemas/users';
import { sessionCookie } from '../auth/cookie';
import { deviceCookie } from '../auth/device';
import type { LoginLimit } from '../auth/limits';
import { SESSION_LIMITS } from '../auth/sessions';
import { access, clientIp, viewerOf } from './access';
import type { RouteDeps } from './deps';
import type { AppEnv } from './env';
import { ServiceError } from '../errors';
import { localiseMessage, requestLocale } from '../../schemas/validation';
import { ApiError } from './errors';
import { passwordStrength } from './users';
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

/** Why a sign-in was refused before its password was checked (429), in the caller's terms. */
function throttledMessage(limit: LoginLimit, retryAfterSeconds: number): string {
	const minutes = Math.ceil(retryAfterSeconds / 60);
	if (limit === 'busy') return `Too many sign-ins at once; try again in ${retryAfterSeconds} s`;
	if (limit === 'address') return `Too many sign-in attempts from your address; try again in ${minutes} min`;
	return `Too many failed sign-ins for this account; try again in ${minutes} min`;
}

/** `POST /api/auth/login` (and `/login/second-factor`), `POST /api/auth/logout`, `GET /api/auth/me`, `POST /api/auth/password`. */
export function authRoutes({ services }: RouteDeps) {
	return new Hono<AppEnv>()
		.post(
			'/login',
			access('public', { note: 'sets the session cookie' }),
			validate('json', LoginBody),
			async (c) => {
				const cookie = cookieFor(c);
				// Same transport rule as the session cookie, so present whenever `cookie` is.
				const device = deviceCookie(new URL(c.req.url))!;
				const { email, password } = c.req.valid('json');
				const outcome = await services.users.login({
					email,
					password,
					ip: clientIp(c),
					userAgent: c.req.header('User-Agent') ?? null,
					previousToken: getCookie(c, cookie.name) ?? null,
					deviceToken: getCookie(c, device.name) ?? null
				});
				c.header('Cache-Control', 'no-store');
				if (!outcome.ok && outcome.reason === 'locked') {
					c.header('Retry-After', String(outcome.retryAfterSeconds));
					throw new ApiError(
						429,
						'too_many_attempts',
						throttledMessage(outcome.limit, outcome.retryAfterSeconds)
					);
				}
				if (!outcome.ok && outcome.reason === 'second_factor') {
					// No session yet: the client sends the code with this token to /login/second-factor.
					const { challenge, expiresAt } = outcome;
					return c.json(
						{ secondFactor: 'totp', challenge, expiresAt: new Date(expiresAt).toISOString() },
						202
					);
				}
				if (!outcome.ok) throw new ApiError(401, 'invalid_credentials', 'Wrong email or password');
				// The session cookie first: clients reading one Set-Cookie take the session.
				setCookie(c, cookie.name, outcome.session.token, {
					...cookie.options,
					sameSite: 'Lax',
					maxAge: Math.floor(SESSION_LIMITS.absoluteMs / 1000)
				});
				setCookie(c, device.name, outcome.device, { ...device.options, sameSite: 'Strict' });
				return c.json({ user: outcome.user, expiresAt: new Date(outcome.session.expiresAt).toISOString() });
			}
		)
		.post(
			'/login/second-factor',
			access('public', { note: 'the code after a 202 from login; sets the session cookie' }),
			validate('json', SecondFactorBody),
			(c) => {
				const cookie = cookieFor(c);
				const device = deviceCookie(new URL(c.req.url))!;
				const { challenge, code } = c.req.valid('json');
				const outcome = services.users.secondFactor({
					challenge,
					code,
					ip: clientIp(c),
					userAgent: c.req.header('User-Agent') ?? null,
					previousToken: getCookie(c, cookie.name) ?? null
				});
				c.header('Cache-Control', 'no-store');
				if (!outcome.ok && outcome.reason === 'locked') {
					c.header('Retry-After', String(outcome.retryAfterSeconds));
					throw new ApiError(
						429,
						'too_many_attempts',
						throttledMessage('account', outcome.retryAfterSeconds)
					);
				}
				if (!outcome.ok && outcome.reason === 'expired')
					throw new ApiError(401, 'sign_in_expired', 'This sign-in has expired; enter the password again');
				if (!outcome.ok) throw new ApiError(401, 'invalid_code', 'Wrong or already used code');
				setCookie(c, cookie.name, outcome.session.token, {
					...cookie.options,
					sameSite: 'Lax',
					maxAge: Math.floor(SESSION_LIMITS.absoluteMs / 1000)
				});
				setCookie(c, device.name, outcome.device, { ...device.options, sameSite: 'Strict' });
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
			access('signed-in', { note: 'own password; ends the other sessions' }),
			passwordStrength(),
			validate('json', PasswordChange),
			async (c) => {
				const outcome = await services.users
					.changePassword(c.get('session')!, c.req.valid('json'), viewerOf(c))
					.catch((error: unknown) => {
						// The service's own check knows the email (the schema does not); its reason is
						// given in the caller's language, like the schema's.
						if (!(error instanceof ServiceError) || error.code !== 'weak_password') throw error;
						const reason = String((error.details as Record<string, unknown>).newPassword);
						const locale = requestLocale(c.req.header('Accept-Language'));
						const newPassword = localiseMessage(reason, locale);
						throw new ApiError(400, 'weak_password', `Password refused: ${newPassword}`, { newPassword });
					});
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
