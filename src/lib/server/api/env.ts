import type { ActiveSession } from '../auth/sessions';
import type { AccessRule } from './access';

/**
 * Who is asking. `null` is the anonymous public. A provider's jurisdiction is a set of
 * department codes (2 digits) and municipality codes (5 digits). Defined in auth/types.ts.
 */
export type { Role, SessionUser } from '../auth/types';
import type { SessionUser } from '../auth/types';

/** Hono environment shared by every sub-app so that `c.get('user')` is typed everywhere. */
export type AppEnv = {
	/** Passed by src/routes/api/[...path]/+server.ts as `api.fetch(request, { clientAddress })`. */
	Bindings: { clientAddress?: string } | undefined;
	Variables: {
		user: SessionUser | null;
		/** The session behind `user` (null when anonymous). */
		session: ActiveSession | null;
		/** The rule the route declared with `access(...)` (set once it has been checked). */
		accessRule: AccessRule | undefined;
	};
};
