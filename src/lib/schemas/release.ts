import { z } from 'zod';

/** `GET /api/public/tables/:file`: one table of the public release, `issues.csv`, `sensitive.csv` or `hectares.csv`. */
export const ReleaseTableParam = z.object({
	file: z
		.enum(['issues.csv', 'sensitive.csv', 'hectares.csv'])
		.transform((file) => file.slice(0, -'.csv'.length) as 'issues' | 'sensitive' | 'hectares')
});
export type ReleaseTableParam = z.infer<typeof ReleaseTableParam>;
