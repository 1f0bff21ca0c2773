import type { ServiceDeps } from '../services';

/**
 * PLACEHOLDER — being written: the analysis service (see src/lib/server/services/index.ts).
 */
export function createAnalysisService(_deps: ServiceDeps) {
	return {};
}

export type AnalysisService = ReturnType<typeof createAnalysisService>;
