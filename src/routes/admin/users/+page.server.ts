import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { parseLocale } from '$lib/i18n';
import {
	isScopedRole,
	NewUser,
	PASSWORD_PROBLEMS,
	ScopeList,
	UserPatch,
	type Role,
	type UserView
} from '$lib/schemas/users';
import { localiseMessage } from '$lib/schemas/validation';
import { SERVICE_STATUS } from '$lib/server/api/errors';
import { requirePageRole } from '$lib/server/auth/guard';
import { loadPasswordScorer } from '$lib/server/auth/strength';
import { serverContext } from '$lib/server/context';
import { ServiceError } from '$lib/server/errors';
import type { Viewer } from '$lib/server/viewer';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The users page calls the users service, as `/api/users` does, so that the role check, the
 * last-admin rule and the audit entry are the same; the form is parsed first with the same zod
 * schemas, to point at the field to fix.
 */
export const load: PageServerLoad = async ({ locals, parent }) => {
	await parent();
	return { users: serverContext().services.users.list(locals.viewer) };
};

type Field = 'email' | 'role' | 'password' | 'jurisdiction' | 'scope';
type Action = 'create' | 'update' | 'setDisabled' | 'setPassword';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').slice(0, 10_000);

/** The form fields a failed parse points at; a malformed scope is told apart from a missing one. */
function fieldsOf(
	scope: { success: boolean },
	...results: { success: boolean; error?: z.ZodError }[]
): Field[] {
	const fields = new Set<Field>(scope.success ? [] : ['scope']);
	for (const result of results) {
		for (const issue of result.error?.issues ?? []) {
			const field = issue.path[0];
			fields.add(field === 'email' || field === 'role' || field === 'password' ? field : 'jurisdiction');
		}
	}
	return [...fields];
}

const WEAK: readonly string[] = Object.values(PASSWORD_PROBLEMS);

/**
 * Why a password was refused as guessable or containing the email, in the page's language, or
 * null. The page says it next to the generic message, so the admin knows what to change.
 */
function weakPassword(event: RequestEvent, issues: readonly { path: PropertyKey[]; message: string }[]) {
	const issue = issues.find((i) => i.path[0] === 'password' && WEAK.includes(i.message));
	return issue ? localiseMessage(issue.message, parseLocale(event.url.searchParams.get('lang'))) : null;
}

/** Applies a change through the users service; a refusal comes back as its code and status. */
async function send(
	change: (viewer: Viewer) => Promise<UserView>,
	event: RequestEvent
): Promise<
	{ ok: true; user: UserView } | { ok: false; status: number; code: string; reason: string | null }
> {
	try {
		return { ok: true, user: await change(event.locals.viewer) };
	} catch (error) {
		if (!(error instanceof ServiceError)) throw error;
		// The service's own strength check (it also knows the email of a user whose password is reset).
		const details = (error.details ?? {}) as Record<string, unknown>;
		const problem = typeof details.password === 'string' ? details.password : '';
		const reason =
			error.code === 'weak_password' ? weakPassword(event, [{ path: ['password'], message: problem }]) : null;
		return { ok: false, status: SERVICE_STATUS[error.code], code: error.code, reason };
	}
}

const VALID = { success: true } as const;

async function patch(
	event: RequestEvent,
	action: Action,
	build: (form: FormData) => { patch: unknown; scope: { success: boolean } }
) {
	requirePageRole(event.locals, event.url, 'admin');
	// The strength dictionaries first, so that the schema says why a password is refused.
	await loadPasswordScorer();
	const form = await event.request.formData();
	const id = z.coerce.number().int().positive().safeParse(form.get('id'));
	const { patch, scope } = build(form);
	const parsed = UserPatch.safeParse(patch);
	if (!id.success || !scope.success || !parsed.success) {
		const reason = weakPassword(event, parsed.error?.issues ?? []);
		return fail(400, {
			action,
			id: id.data ?? null,
			fields: fieldsOf(scope, parsed),
			code: reason ? 'weak_password' : 'invalid',
			reason
		});
	}
	const users = serverContext().services.users;
	const result = await send((viewer) => users.update(viewer, id.data, parsed.data), event);
	if (!result.ok)
		return fail(result.status, {
			action,
			id: id.data,
			fields: result.reason ? (['password'] as Field[]) : ([] as Field[]),
			code: result.code,
			reason: result.reason
		});
	return { action, id: id.data, done: result.user.email };
}

export const actions: Actions = {
	create: async (event) => {
		requirePageRole(event.locals, event.url, 'admin');
		await loadPasswordScorer();
		const form = await event.request.formData();
		const values = { email: text(form, 'email'), role: text(form, 'role'), scope: text(form, 'scope') };
		const scope = ScopeList.safeParse(values.scope);
		const parsed = NewUser.safeParse({
			email: values.email,
			role: values.role,
			password: text(form, 'password'),
			jurisdiction: scope.data
		});
		if (!scope.success || !parsed.success) {
			const reason = weakPassword(event, parsed.error?.issues ?? []);
			return fail(400, {
				action: 'create' as const,
				values,
				fields: fieldsOf(scope, parsed),
				code: reason ? 'weak_password' : 'invalid',
				reason
			});
		}
		const users = serverContext().services.users;
		const result = await send((viewer) => users.create(viewer, parsed.data), event);
		if (!result.ok)
			return fail(result.status, {
				action: 'create' as const,
				values,
				fields: result.reason ? (['password'] as Field[]) : ([] as Field[]),
				code: result.code,
				reason: result.reason
			});
		return { action: 'create' as const, done: result.user.email };
	},
	update: (event) =>
		patch(event, 'update', (form) => {
			const role = text(form, 'role');
			// Only providers and reporters have a jurisdiction; for the others the field is ignored
			// (and cleared).
			if (!isScopedRole(role as Role)) return { patch: { role }, scope: VALID };
			const scope = ScopeList.safeParse(text(form, 'scope'));
			return { patch: { role, jurisdiction: scope.data }, scope };
		}),
	setDisabled: (event) =>
		patch(event, 'setDisabled', (form) => ({
			patch: { disabled: text(form, 'disabled') === 'true' },
			scope: VALID
		})),
	setPassword: (event) =>
		patch(event, 'setPassword', (form) => ({ patch: { password: text(form, 'password') }, scope: VALID }))
};
