import type { MfaStatus, SessionView } from '../../schemas/users';
import { ServiceError } from '../errors';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { audit } from './audit';
import {
	beginEnrolment,
	confirmEnrolment,
	disableTotp,
	mfaStatus,
	pendingEnrolment,
	regenerateRecoveryCodes,
	type TotpEnrolment
} from './mfa';
import { endUserSession, listUserSessions, publicSessionId } from './own-sessions';
import { revokeUserSessions, type ActiveSession } from './sessions';

/**
 * One's own account (the /cuenta page): the second factor and one's sessions. Part of the users
 * service (auth/service.ts). Each function acts on the signed-in viewer only, from the session
 * it passes: nobody manages another person's factor or sessions here (an admin disables a user
 * instead, which ends all of them).
 */
export function createAccountService({ db, hasher }: ServiceDeps) {
	/** The viewer as the actor of a change from its own session. */
	const self = (viewer: Viewer, session: ActiveSession) => {
		if (!viewer.user || viewer.user.id !== session.user.id)
			throw new ServiceError('forbidden', 'Only the signed-in user manages their own account');
		return { user: viewer.user, ip: viewer.ip, tokenHash: session.tokenHash };
	};
	return {
		mfaStatus(viewer: Viewer, session: ActiveSession): MfaStatus {
			return mfaStatus(db, self(viewer, session).user);
		},

		async beginTotp(viewer: Viewer, session: ActiveSession): Promise<TotpEnrolment> {
			const enrolment = await beginEnrolment(db, self(viewer, session));
			if (!enrolment) throw new ServiceError('conflict', 'An authenticator is already on; turn it off first');
			return enrolment;
		},

		/** The enrolment in progress (its QR code and key), or null. */
		pendingTotp: (viewer: Viewer, session: ActiveSession): Promise<TotpEnrolment | null> =>
			pendingEnrolment(db, self(viewer, session).user),

		/** The recovery codes, for showing once; null when the code is wrong or nothing is being enrolled. */
		confirmTotp: (viewer: Viewer, session: ActiveSession, code: string): string[] | null =>
			confirmEnrolment(db, self(viewer, session), code),

		disableTotp: (viewer: Viewer, session: ActiveSession, proof: { password: string; code: string }) =>
			disableTotp(db, hasher, self(viewer, session), proof),

		regenerateRecoveryCodes: (viewer: Viewer, session: ActiveSession, code: string) =>
			regenerateRecoveryCodes(db, hasher, self(viewer, session), code),

		sessions(viewer: Viewer, session: ActiveSession): SessionView[] {
			const { user, tokenHash } = self(viewer, session);
			return listUserSessions(db, user.id, tokenHash);
		},

		/** Ends one of one's sessions, this one included (`current`: the caller drops its cookie). */
		endSession(viewer: Viewer, session: ActiveSession, id: string): { current: boolean } {
			const { user, ip } = self(viewer, session);
			const current = id === publicSessionId(session.tokenHash);
			db.transaction(() => {
				if (!endUserSession(db, user.id, id)) throw new ServiceError('not_found', 'No such session');
				audit(db, {
					actor: { id: user.id, email: user.email },
					action: 'auth.session_ended',
					target: user.email,
					details: { session: id, current },
					ip
				});
			})();
			return { current };
		},

		/** Ends every session of one's own but this one (a lost phone, a shared computer); how many ended. */
		endOtherSessions(viewer: Viewer, session: ActiveSession): number {
			const { user, ip, tokenHash } = self(viewer, session);
			return db.transaction(() => {
				const ended = revokeUserSessions(db, user.id, tokenHash);
				audit(db, {
					actor: { id: user.id, email: user.email },
					action: 'auth.sessions_ended',
					target: user.email,
					details: { ended },
					ip
				});
				return ended;
			})();
		}
	};
}
