import type { SessionUser } from './types';

/**
 * What part of the country a user may see. Admins and planners see everything; a provider sees
 * only its jurisdiction; a reporter (issue 18) is not a security provider: it sees no exact
 * official figure anywhere, like the anonymous public (its community reports are scoped with
 * `communityFilter` instead); the anonymous public sees no restricted data at all (public data goes
 * through disclosure control instead, src/lib/domain/disclosure.ts).
 */
export type JurisdictionFilter = {
	readonly departments: readonly string[];
	readonly municipalities: readonly string[];
};

const NOTHING: JurisdictionFilter = Object.freeze({ departments: [], municipalities: [] });

/** The codes a user may see, or null when unrestricted. Anonymous callers get an empty filter. */
export function jurisdictionFilter(user: SessionUser | null): JurisdictionFilter | null {
	if (!user || user.role === 'reporter') return NOTHING;
	if (user.role === 'admin' || user.role === 'planner') return null;
	return user.jurisdiction;
}

/**
 * Where a user's community reports (and their exact community figures) may come from: everywhere
 * for admins and planners, its jurisdiction for providers and reporters, nowhere for the public.
 */
export function communityFilter(user: SessionUser | null): JurisdictionFilter | null {
	if (!user) return NOTHING;
	if (user.role === 'admin' || user.role === 'planner') return null;
	return user.jurisdiction;
}

/** Whether a municipality (5-digit DIVIPOLA code) is inside a filter (null = unrestricted). */
export function inJurisdiction(filter: JurisdictionFilter | null, municipalityCode: string): boolean {
	if (filter === null) return true;
	return (
		filter.municipalities.includes(municipalityCode) ||
		filter.departments.includes(municipalityCode.slice(0, 2))
	);
}

export function canSeeMunicipality(user: SessionUser | null, municipalityCode: string): boolean {
	return inJurisdiction(jurisdictionFilter(user), municipalityCode);
}

/**
 * Whether a user may see a department's aggregate. A provider holding only some municipalities
 * of a department may not: the department total would include the others.
 */
export function canSeeDepartment(user: SessionUser | null, departmentCode: string): boolean {
	const filter = jurisdictionFilter(user);
	return filter === null || filter.departments.includes(departmentCode);
}

/**
 * Bound parameters for the standard SQL restriction, so that every query filters the same way
 * and no SQL is string-built:
 *
 *   WHERE (:unrestricted = 1
 *          OR substr(x.municipality_code, 1, 2) IN (SELECT value FROM json_each(:departments))
 *          OR x.municipality_code IN (SELECT value FROM json_each(:municipalities)))
 */
export function jurisdictionParams(filter: JurisdictionFilter | null): {
	unrestricted: 0 | 1;
	departments: string;
	municipalities: string;
} {
	return {
		unrestricted: filter === null ? 1 : 0,
		departments: JSON.stringify(filter?.departments ?? []),
		municipalities: JSON.stringify(filter?.municipalities ?? [])
	};
}
