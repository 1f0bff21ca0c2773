import type { AuditQuery, NewUser, UserPatch, UserView } from '../../schemas/users';
import { ServiceError } from '../errors';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { queryAudit } from './audit';
import { changePassword, login, logout, type LoginInput } from './login';
import type { ActiveSession } from './sessions';
import { createUser, getUser, listUsers, updateUser } from './users';

/**
 * Users, sign-in and the audit log, behind the same viewer-first functions as every other
 * service. User management is for admins: the API and the admin pages check the role first, and
 * these functions check it again, so no caller can skip it.
 */
export function createUserService({ db, hasher }: ServiceDeps) {
	const assertAdmin = (viewer: Viewer) => {
		if (viewer.user?.role !== 'admin') throw new ServiceError('forbidden', 'Only admins manage users');
	};
	return {
		list(viewer: Viewer): UserView[] {
			assertAdmin(viewer);
			return listUsers(db);
		},
		get(viewer: Viewer, id: number): UserView {
			assertAdmin(viewer);
			const user = getUser(db, id);
			if (!user) throw new ServiceError('not_found', 'No such user');
			return user;
		},
		create(viewer: Viewer, input: NewUser): Promise<UserView> {
			assertAdmin(viewer);
			return createUser(db, hasher, input, viewer);
		},
		update(viewer: Viewer, id: number, patch: UserPatch): Promise<UserView> {
			assertAdmin(viewer);
			return updateUser(db, hasher, id, patch, viewer);
		},
		auditLog(viewer: Viewer, query: AuditQuery) {
			assertAdmin(viewer);
			return queryAudit(db, query);
		},
		login: (input: LoginInput) => login(db, hasher, input),
		logout: (session: ActiveSession | null, viewer: Viewer) => logout(db, session, viewer.ip),
		changePassword: (
			session: ActiveSession,
			input: { currentPassword: string; newPassword: string },
			viewer: Viewer
		) => changePassword(db, hasher, session, input, viewer.ip)
	};
}

export type UserService = ReturnType<typeof createUserService>;
