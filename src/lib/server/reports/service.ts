import type { ServiceDeps } from '../services';

/**
 * PLACEHOLDER — being written: the reports service (see src/lib/server/services/index.ts).
 */
export function createReportService(_deps: ServiceDeps) {
	return {};
}

export type ReportService = ReturnType<typeof createReportService>;
