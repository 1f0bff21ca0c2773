import type { ServiceDeps } from '../services';

/**
 * PLACEHOLDER — being written: the dialogues service (see src/lib/server/services/index.ts).
 */
export function createDialogueService(_deps: ServiceDeps) {
	return {};
}

export type DialogueService = ReturnType<typeof createDialogueService>;
