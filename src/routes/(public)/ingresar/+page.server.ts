import { fail, redirect } from '@sveltejs/kit';
import { LoginBody } from '$lib/schemas/users';
import { sessionCookie } from '$lib/server/auth/cookie';
import { homeFor, keepLanguage, safeNext } from '$lib/server/auth/guard';
import { SESSION_LIMITS } from '$lib/server/auth/sessions';
import { serverContext } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user)
		redirect(303, keepLanguage(safeNext(url.searchParams.get('next'), homeFor(locals.user)), url));
	return { secure: sessionCookie(url) !== null };
};

/**
 * The sign-in form. The same `login` as `POST /api/auth/login` (throttling, audit, a new session
 * id, the same answer for unknown email and wrong password); the session cookie is set here.
 */
export const actions: Actions = {
	default: async ({ request, cookies, url, locals }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '').slice(0, 254);
		const parsed = LoginBody.safeParse({ email, password: form.get('password') });
		if (!parsed.success) return fail(400, { email, error: 'form' as const });
		const cookie = sessionCookie(url);
		if (!cookie) return fail(403, { email, error: 'insecure' as const });

		const outcome = await serverContext().services.users.login({
			email: parsed.data.email,
			password: parsed.data.password,
			ip: locals.viewer.ip,
			userAgent: request.headers.get('user-agent'),
			previousToken: cookies.get(cookie.name) ?? null
		});
		if (!outcome.ok && outcome.reason === 'locked') {
			return fail(429, {
				email,
				error: 'locked' as const,
				minutes: Math.ceil(outcome.retryAfterSeconds / 60)
			});
		}
		if (!outcome.ok) return fail(401, { email, error: 'invalid' as const });
		cookies.set(cookie.name, outcome.session.token, {
			...cookie.options,
			maxAge: Math.floor(SESSION_LIMITS.absoluteMs / 1000)
		});
		redirect(303, keepLanguage(safeNext(url.searchParams.get('next'), homeFor(outcome.user)), url));
	}
};
