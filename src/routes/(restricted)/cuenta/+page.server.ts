import { fail, redirect } from '@sveltejs/kit';
import { parseLocale } from '$lib/i18n';
import {
	PasswordChange,
	ROLES,
	SecondFactorCode,
	SessionId,
	TotpCode,
	TotpDisable
} from '$lib/schemas/users';
import { localiseMessage, parseInput } from '$lib/schemas/validation';
import { sessionCookie } from '$lib/server/auth/cookie';
import { requirePageRole } from '$lib/server/auth/guard';
import { loadPasswordScorer } from '$lib/server/auth/strength';
import { serverContext } from '$lib/server/context';
import { ServiceError } from '$lib/server/errors';
import { pageCall } from '$lib/server/page-errors';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * One's own account: password, second factor and sessions. Every action calls the users service
 * with the request's viewer and session (src/lib/server/auth/account.ts), which audits each change;
 * the forms are parsed with the API's schemas, so a field gets the same message in the same
 * language (`?lang=en`) as from the API.
 */
export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	const { viewer, session } = signedIn(locals);
	const users = serverContext().services.users;
	const mfa = users.mfaStatus(viewer, session);
	return {
		mfa,
		enrolment: mfa.totp === 'enrolling' ? await users.pendingTotp(viewer, session) : null,
		sessions: users.sessions(viewer, session),
		/** An admin without a second factor: sent here by every admin page until it is on. */
		mustEnrol: session.needsSecondFactor
	};
};

/** The layout's check, again: actions do not run layout loads. */
function signedIn(locals: App.Locals) {
	if (!locals.session) throw new Error('requirePageRole let an anonymous request through');
	return { viewer: locals.viewer, session: locals.session };
}

async function start(event: RequestEvent) {
	requirePageRole(event.locals, event.url, ...ROLES);
	const form = await event.request.formData();
	const text = (name: string) => String(form.get(name) ?? '').slice(0, 1024);
	const locale = parseLocale(event.url.searchParams.get('lang'));
	return { ...signedIn(event.locals), text, locale, users: serverContext().services.users };
}

export const actions: Actions = {
	password: async (event) => {
		const { viewer, session, text, locale, users } = await start(event);
		// The strength dictionaries first, so the schema can say why a password is refused.
		await loadPasswordScorer();
		const parsed = parseInput(
			PasswordChange,
			{ currentPassword: text('currentPassword'), newPassword: text('newPassword') },
			locale
		);
		if (!parsed.success) return fail(400, { action: 'password' as const, errors: parsed.errors });
		let outcome: Awaited<ReturnType<typeof users.changePassword>>;
		try {
			outcome = await users.changePassword(session, parsed.data, viewer);
		} catch (error) {
			// The service's own check also knows the email (the schema does not).
			if (!(error instanceof ServiceError) || error.code !== 'weak_password') throw error;
			const details = error.details as Record<string, string>;
			const errors = { newPassword: localiseMessage(details.newPassword ?? error.message, locale) };
			return fail(400, { action: 'password' as const, errors });
		}
		if (outcome === 'locked') return fail(429, { action: 'password' as const, code: 'locked' as const });
		if (outcome === 'wrong') return fail(403, { action: 'password' as const, code: 'wrong' as const });
		return { action: 'password' as const, done: true };
	},

	totpStart: async (event) => {
		const { viewer, session, users } = await start(event);
		await pageCall(() => users.beginTotp(viewer, session));
		return { action: 'totpStart' as const };
	},

	totpConfirm: async (event) => {
		const { viewer, session, text, users } = await start(event);
		const code = TotpCode.safeParse(text('code'));
		const recoveryCodes = code.success ? users.confirmTotp(viewer, session, code.data) : null;
		if (!recoveryCodes) return fail(400, { action: 'totpConfirm' as const, code: 'wrong' as const });
		return { action: 'totpConfirm' as const, recoveryCodes };
	},

	totpDisable: async (event) => {
		const { viewer, session, text, users } = await start(event);
		const proof = TotpDisable.safeParse({ password: text('password'), code: text('code') });
		if (!proof.success) return fail(400, { action: 'totpDisable' as const, code: 'wrong' as const });
		const outcome = await users.disableTotp(viewer, session, proof.data);
		if (!outcome.ok)
			return fail(outcome.reason === 'locked' ? 429 : 403, {
				action: 'totpDisable' as const,
				code: outcome.reason
			});
		return { action: 'totpDisable' as const, done: true };
	},

	recoveryCodes: async (event) => {
		const { viewer, session, text, users } = await start(event);
		const code = SecondFactorCode.safeParse(text('code'));
		if (!code.success) return fail(400, { action: 'recoveryCodes' as const, code: 'wrong' as const });
		const outcome = await users.regenerateRecoveryCodes(viewer, session, code.data);
		if (!outcome.ok)
			return fail(outcome.reason === 'locked' ? 429 : 403, {
				action: 'recoveryCodes' as const,
				code: outcome.reason
			});
		return { action: 'recoveryCodes' as const, recoveryCodes: outcome.value };
	},

	endSession: async (event) => {
		const { viewer, session, text, users } = await start(event);
		const id = SessionId.safeParse({ id: text('id') });
		if (!id.success) return fail(400, { action: 'endSession' as const, code: 'not_found' as const });
		const { current } = pageCall(() => users.endSession(viewer, session, id.data.id));
		if (current) {
			// This browser's own session: it is signed out, like the sign-out button does.
			const cookie = sessionCookie(event.url);
			if (cookie) event.cookies.delete(cookie.name, cookie.options);
			redirect(303, event.url.searchParams.get('lang') === 'en' ? '/ingresar?lang=en' : '/ingresar');
		}
		return { action: 'endSession' as const, done: true };
	},

	endOthers: async (event) => {
		const { viewer, session, users } = await start(event);
		return { action: 'endOthers' as const, ended: users.endOtherSessions(viewer, session) };
	}
};
