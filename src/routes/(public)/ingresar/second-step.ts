import { fail, redirect } from '@sveltejs/kit';
import { SecondFactorBody } from '$lib/schemas/users';
import { sessionCookie } from '$lib/server/auth/cookie';
import { deviceCookie } from '$lib/server/auth/device';
import { homeFor, keepLanguage, safeNext } from '$lib/server/auth/guard';
import { SESSION_LIMITS } from '$lib/server/auth/sessions';
import { serverContext } from '$lib/server/context';
import type { RequestEvent } from './$types';

/**
 * The sign-in's second step, for accounts with an authenticator: the password was right and the
 * page now holds only the pending sign-in's token (a hidden field; a short-lived server-side
 * record, never the password). The session cookie is set only once the code is right, exactly
 * as `POST /api/auth/login/second-factor` does (the same service function).
 */
export async function secondStep({ cookies, url, locals, request }: RequestEvent, form: FormData) {
	const email = String(form.get('email') ?? '').slice(0, 254);
	const parsed = SecondFactorBody.safeParse({ challenge: form.get('challenge'), code: form.get('code') });
	// A malformed token is no sign-in in progress: back to the password.
	if (!parsed.success && parsed.error.issues.some((i) => i.path[0] === 'challenge'))
		return fail(401, { email, error: 'expired' as const });
	const challenge = String(form.get('challenge'));
	if (!parsed.success) return fail(400, { step: 'code' as const, email, challenge, error: 'code' as const });
	const cookie = sessionCookie(url);
	if (!cookie) return fail(403, { email, error: 'insecure' as const });
	const device = deviceCookie(url)!;

	const outcome = serverContext().services.users.secondFactor({
		...parsed.data,
		ip: locals.viewer.ip,
		userAgent: request.headers.get('user-agent'),
		previousToken: cookies.get(cookie.name) ?? null
	});
	if (!outcome.ok && outcome.reason === 'locked')
		return fail(429, { email, error: 'locked' as const, minutes: Math.ceil(outcome.retryAfterSeconds / 60) });
	if (!outcome.ok && outcome.reason === 'expired') return fail(401, { email, error: 'expired' as const });
	if (!outcome.ok) return fail(401, { step: 'code' as const, email, challenge, error: 'code' as const });
	cookies.set(cookie.name, outcome.session.token, {
		...cookie.options,
		maxAge: Math.floor(SESSION_LIMITS.absoluteMs / 1000)
	});
	cookies.set(device.name, outcome.device, device.options);
	redirect(303, keepLanguage(safeNext(url.searchParams.get('next'), homeFor(outcome.user)), url));
}
