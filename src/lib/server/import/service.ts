import type { ServiceDeps } from '../services';

/**
 * PLACEHOLDER — being written: the import service (see src/lib/server/services/index.ts).
 */
export function createImportService(_deps: ServiceDeps) {
	return {};
}

export type ImportService = ReturnType<typeof createImportService>;
