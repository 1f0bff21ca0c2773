import os from 'node:os';
import type { AuditActor } from './auth/audit';
import type { SessionUser } from './auth/types';

/**
 * Who is asking, passed explicitly to every service function: the signed-in user (null for the
 * anonymous public), the address the request came from, and the actor the audit log records.
 * A Viewer is also a `ChangedBy` (auth/users.ts), so write functions take it as it is.
 *
 * The HTTP API builds it with `viewerOf(c)` (api/access.ts), pages read `locals.viewer`
 * (hooks.server.ts), and the command line uses `commandLineViewer()`.
 */
export type Viewer = {
	readonly user: SessionUser | null;
	readonly ip: string | null;
	readonly actor: AuditActor;
};

export function viewerFor(user: SessionUser | null, ip: string | null): Viewer {
	return { user, ip, actor: user ? { id: user.id, email: user.email } : null };
}

/** The anonymous public, e.g. for building what every visitor sees. */
export const PUBLIC_VIEWER: Viewer = Object.freeze({ user: null, ip: null, actor: null });

/**
 * The operator at the command line. Whoever can run `npm run import` can read the database file
 * itself, so it sees everything, like an admin; the audit log names it `cli:<os user>` with
 * `id: null`, so its entries are told apart from a signed-in admin's.
 */
export function commandLineViewer(): Viewer {
	const email = `cli:${safeUserName()}`;
	return {
		user: { id: 0, email, role: 'admin', jurisdiction: { departments: [], municipalities: [] } },
		ip: null,
		actor: { id: null, email }
	};
}

function safeUserName(): string {
	try {
		return os.userInfo().username || 'unknown';
	} catch {
		return 'unknown';
	}
}
