import type { AuditQuery, NewUser, UserPatch, UserView } from '../../schemas/users';
import { ServiceError } from '../errors';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { queryAudit } from './audit';
import { createDeviceTrust } from './device';
import { createLoginGuard, type LoginLimits } from './limits';
import { changePassword, login, logout, type LoginDefences, type LoginInput } from './login';
import type { ActiveSession } from './sessions';
import { createUser, getUser, listUsers, updateUser } from './users';
import { createAccountService } from './account';
import { completeSignIn, type SecondStepInput } from './mfa';
import { assertStrongPassword } from './strength';

/**
 * Users, sign-in and the audit log, behind the same viewer-first functions as every other
 * service. User management is for admins: the API and the admin pages check the role first, and
 * these functions check it again, so no caller can skip it.
 */
export function createUserService(deps: ServiceDeps, options: { loginLimits?: Partial<LoginLimits> } = {}) {
	const { db, hasher } = deps;
	// One guard per process: its counters and hashing queue must see every sign-in (limits.ts).
	const defences: LoginDefences = {
		guard: createLoginGuard(db, options.loginLimits),
		devices: createDeviceTrust(db)
	};
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
		login: (input: LoginInput) => login(db, hasher, defences, input),
		/** The sign-in's second step, after `login` answered `second_factor` (mfa.ts). */
		secondFactor(input: SecondStepInput) {
			const outcome = completeSignIn(db, input);
			return outcome.ok ? { ...outcome, device: defences.devices.issue(outcome.user.id) } : outcome;
		},
		/** The sign-in hashing queue right now (tests, the benchmark). */
		loginLoad: () => defences.guard.load(),
		logout: (session: ActiveSession | null, viewer: Viewer) => logout(db, session, viewer.ip),
		changePassword: async (
			session: ActiveSession,
			input: { currentPassword: string; newPassword: string },
			viewer: Viewer
		) => {
			await assertStrongPassword(input.newPassword, session.user.email, 'newPassword');
			return changePassword(db, hasher, session, input, viewer.ip);
		},
		// One's own account: second factor and sessions (account.ts).
		...createAccountService(deps)
	};
}

export type UserService = ReturnType<typeof createUserService>;
