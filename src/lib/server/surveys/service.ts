import type { ServiceDeps } from '../services';

/**
 * PLACEHOLDER — being written: the surveys service (see src/lib/server/services/index.ts).
 */
export function createSurveyService(_deps: ServiceDeps) {
	return {};
}

export type SurveyService = ReturnType<typeof createSurveyService>;
