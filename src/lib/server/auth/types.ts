import type { Jurisdiction, Role } from '../../schemas/users';

export type { Role } from '../../schemas/users';

/**
 * Who is asking, loaded from the session on every request. `null` (anonymous public) is the
 * absence of a SessionUser. A provider's jurisdiction is a set of department codes (2 digits) and
 * municipality codes (5 digits); other roles have an empty one and see everything.
 */
export type SessionUser = {
	id: number;
	email: string;
	role: Role;
	jurisdiction: Jurisdiction;
};
