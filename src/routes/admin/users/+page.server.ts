import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { NewUser, ScopeList, UserPatch, type UserView } from '$lib/schemas/users';
import { SERVICE_STATUS } from '$lib/server/api/errors';
import { requirePageRole } from '$lib/server/auth/guard';
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

/** Applies a change through the users service; a refusal comes back as its code and status. */
async function send(
	change: (viewer: Viewer) => Promise<UserView>,
	viewer: Viewer
): Promise<{ ok: true; user: UserView } | { ok: false; status: number; code: string }> {
	try {
		return { ok: true, user: await change(viewer) };
	} catch (error) {
		if (error instanceof ServiceError)
			return { ok: false, status: SERVICE_STATUS[error.code], code: error.code };
		throw error;
	}
}

const VALID = { success: true } as const;

async function patch(
	event: RequestEvent,
	action: Action,
	build: (form: FormData) => { patch: unknown; scope: { success: boolean } }
) {
	requirePageRole(event.locals, event.url, 'admin');
	const form = await event.request.formData();
	const id = z.coerce.number().int().positive().safeParse(form.get('id'));
	const { patch, scope } = build(form);
	const parsed = UserPatch.safeParse(patch);
	if (!id.success || !scope.success || !parsed.success) {
		return fail(400, { action, id: id.data ?? null, fields: fieldsOf(scope, parsed), code: 'invalid' });
	}
	const users = serverContext().services.users;
	const result = await send((viewer) => users.update(viewer, id.data, parsed.data), event.locals.viewer);
	if (!result.ok)
		return fail(result.status, { action, id: id.data, fields: [] as Field[], code: result.code });
	return { action, id: id.data, done: result.user.email };
}

export const actions: Actions = {
	create: async (event) => {
		requirePageRole(event.locals, event.url, 'admin');
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
			return fail(400, {
				action: 'create' as const,
				values,
				fields: fieldsOf(scope, parsed),
				code: 'invalid'
			});
		}
		const users = serverContext().services.users;
		const result = await send((viewer) => users.create(viewer, parsed.data), event.locals.viewer);
		if (!result.ok)
			return fail(result.status, {
				action: 'create' as const,
				values,
				fields: [] as Field[],
				code: result.code
			});
		return { action: 'create' as const, done: result.user.email };
	},
	update: (event) =>
		patch(event, 'update', (form) => {
			const role = text(form, 'role');
			// Only a provider has a jurisdiction; for the others the field is ignored (and cleared).
			if (role !== 'provider') return { patch: { role }, scope: VALID };
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
