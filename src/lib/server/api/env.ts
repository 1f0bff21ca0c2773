/**
 * Who is asking. `null` is the anonymous public. A provider's jurisdiction is a set of
 * department codes (2 digits) and municipality codes (5 digits).
 */
export type Role = 'admin' | 'planner' | 'provider';

export type SessionUser = {
	id: number;
	email: string;
	role: Role;
	jurisdiction: { departments: string[]; municipalities: string[] };
};

/** Hono environment shared by every sub-app so that `c.get('user')` is typed everywhere. */
export type AppEnv = {
	Variables: {
		user: SessionUser | null;
	};
};
