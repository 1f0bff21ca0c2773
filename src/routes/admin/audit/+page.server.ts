import { error } from '@sveltejs/kit';
import { AuditQuery, type AuditEntryView } from '$lib/schemas/users';
import type { PageServerLoad } from './$types';

const FILTERS = ['action', 'actor', 'target', 'from', 'to', 'before'] as const;

/** The audit log through `GET /api/audit`, with the filters in the page's URL (shareable, back-button friendly). */
export const load: PageServerLoad = async ({ fetch, parent, url }) => {
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
	const res = await fetch(`/api/audit?${params}`);
	if (!res.ok) error(res.status, 'Could not load the audit log');
	const page = (await res.json()) as { entries: AuditEntryView[]; nextBefore: number | null };
	return { ...page, filters, invalid: null };
};
