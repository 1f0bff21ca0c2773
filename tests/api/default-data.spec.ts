import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config';
import { loadDefaultData } from '../../src/lib/server/reports/default-data';
import { createTestContext } from './helpers';

describe('the default data loaded on start', () => {
	it('starts without ../shared/data/real, saying how to import', async () => {
		const ctx = createTestContext();
		try {
			const config = loadConfig({
				RESILIENCIA_SHARED_DIR: path.join(ctx.dir, 'no-shared-here'),
				RESILIENCIA_DB: ctx.config.databaseFile
			});
			const lines: string[] = [];
			const report = await loadDefaultData(ctx.db, config, (line) => lines.push(line));
			expect(report).toEqual({ loaded: [], skipped: [], missing: [] });
			expect(lines.join('\n')).toContain('npm run import -- reports FILE --mapping MAPPING');
			expect(lines.join('\n')).toContain(path.join(ctx.dir, 'no-shared-here', 'data', 'real'));
			const extent = (await (await ctx.api.request('/api/stats/extent')).json()) as { from: string | null };
			expect(extent.from).toBeNull();
		} finally {
			ctx.cleanup();
		}
	});
});
