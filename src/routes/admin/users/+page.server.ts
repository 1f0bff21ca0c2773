import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { NewUser, ScopeList, UserPatch, type UserView } from '$lib/schemas/users';
import { requirePageRole } from '$lib/server/auth/guard';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * The users page reads and writes through the API (`/api/users`), so that the role check, the
 * validation, the last-admin rule and the audit entry are the API's own; the form is parsed first
 * with the same zod schemas, to point at the field to fix.
 */
export const load: PageServerLoad = async ({ fetch, parent }) => {
	await parent();
	const res = await fetch('/api/users');
	if (!res.ok) error(res.status, 'Could not load the users');
	const { users } = (await res.json()) as { users: UserView[] };
	return { users };
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

/** Sends a change to the API; its refusal comes back as the API's error code. */
async function send(
	fetch: RequestEvent['fetch'],
	path: string,
	method: 'POST' | 'PATCH',
	body: unknown
): Promise<{ ok: true; user: UserView } | { ok: false; status: number; code: string }> {
	const res = await fetch(path, {
		method,
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body)
	});
	const json = (await res.json()) as { user?: UserView; error?: { code: string } };
	if (res.ok && json.user) return { ok: true, user: json.user };
	return { ok: false, status: res.status, code: json.error?.code ?? 'generic' };
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
	const result = await send(event.fetch, `/api/users/${id.data}`, 'PATCH', parsed.data);
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
		const result = await send(event.fetch, '/api/users', 'POST', parsed.data);
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
