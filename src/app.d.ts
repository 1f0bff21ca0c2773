// See https://svelte.dev/docs/kit/types#app.d.ts
import type { ActiveSession } from '$lib/server/auth/sessions';
import type { SessionUser } from '$lib/server/auth/types';
import type { Viewer } from '$lib/server/viewer';

declare global {
	namespace App {
		interface Error {
			message: string;
			requestId?: string;
		}
		interface Locals {
			requestId: string;
			/** The signed-in user for page loads and form actions (hooks.server.ts); null = anonymous. */
			user: SessionUser | null;
			session: ActiveSession | null;
			/** The caller as the services take it (user, address, audit actor), set once per request. */
			viewer: Viewer;
		}
	}
}

export {};
