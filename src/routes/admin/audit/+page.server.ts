import { AuditQuery, type AuditEntryView } from '$lib/schemas/users';
import { serverContext } from '$lib/server/context';
import type { PageServerLoad } from './$types';

const FILTERS = ['action', 'actor', 'target', 'from', 'to', 'before'] as const;

/** The audit log (the service behind `GET /api/audit`), filters in the page's URL (shareable, back-button friendly). */
export const load: PageServerLoad = async ({ locals, parent, url }) => {
	await parent();
	const params = new URLSearchParams();
	for (const key of FILTERS) {
		const value = url.searchParams.get(key)?.trim();
		if (value) params.set(key, value);
	}
	const filters = Object.fromEntries(params) as Partial<Record<(typeof FILTERS)[number], string>>;
	const parsed = AuditQuery.safeParse(filters);
	if (!parsed.success) {
		const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
		return { entries: [] as AuditEntryView[], nextBefore: null, filters, invalid: message };
	}
	const page = serverContext().services.users.auditLog(locals.viewer, parsed.data);
	return { ...page, filters, invalid: null };
};
