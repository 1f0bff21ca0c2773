import { fail, redirect } from '@sveltejs/kit';
import { LoginBody } from '$lib/schemas/users';
import { sessionCookie } from '$lib/server/auth/cookie';
import { deviceCookie } from '$lib/server/auth/device';
import { homeFor, keepLanguage, safeNext } from '$lib/server/auth/guard';
import { SESSION_LIMITS } from '$lib/server/auth/sessions';
import { serverContext } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';
import { secondStep } from './second-step';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user)
		redirect(303, keepLanguage(safeNext(url.searchParams.get('next'), homeFor(locals.user)), url));
	return { secure: sessionCookie(url) !== null };
};

/**
 * The sign-in form. The same `login` as `POST /api/auth/login` (throttling, audit, a new session
 * id, the same answer for unknown email and wrong password); the session cookie is set here, and
 * the device cookie that lets this browser sign in while strangers flood the account (device.ts).
 */
export const actions: Actions = {
	default: async (event) => {
		const { request, cookies, url, locals } = event;
		const form = await request.formData();
		// The code after the password (one form action: SvelteKit allows no named one beside `default`).
		if (form.has('challenge')) return secondStep(event, form);
		const email = String(form.get('email') ?? '').slice(0, 254);
		const parsed = LoginBody.safeParse({ email, password: form.get('password') });
		if (!parsed.success) return fail(400, { email, error: 'form' as const });
		const cookie = sessionCookie(url);
		if (!cookie) return fail(403, { email, error: 'insecure' as const });
		const device = deviceCookie(url)!;

		const outcome = await serverContext().services.users.login({
			email: parsed.data.email,
			password: parsed.data.password,
			ip: locals.viewer.ip,
			userAgent: request.headers.get('user-agent'),
			previousToken: cookies.get(cookie.name) ?? null,
			deviceToken: cookies.get(device.name) ?? null
		});
		if (!outcome.ok && outcome.reason === 'locked') {
			const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
			if (outcome.limit === 'busy') return fail(429, { email, error: 'busy' as const });
			if (outcome.limit === 'address') return fail(429, { email, error: 'throttled' as const, minutes });
			return fail(429, { email, error: 'locked' as const, minutes });
		}
		if (!outcome.ok && outcome.reason === 'second_factor')
			return { step: 'code' as const, email, challenge: outcome.challenge };
		if (!outcome.ok) return fail(401, { email, error: 'invalid' as const });
		cookies.set(cookie.name, outcome.session.token, {
			...cookie.options,
			maxAge: Math.floor(SESSION_LIMITS.absoluteMs / 1000)
		});
		cookies.set(device.name, outcome.device, device.options);
		redirect(303, keepLanguage(safeNext(url.searchParams.get('next'), homeFor(outcome.user)), url));
	}
};
