import { z } from 'zod';
import { CategoryList, Month } from './query';

/** `GET /api/municipalities/:code/timeseries`: one municipality's monthly counts. */
export const TimeseriesQuery = z.object({
	category: CategoryList,
	from: Month.optional(),
	to: Month.optional()
});
export type TimeseriesQuery = z.infer<typeof TimeseriesQuery>;

/** `GET /api/municipalities/:code/summary`: one municipality's totals per category over a period. */
export const SummaryQuery = z.object({ from: Month.optional(), to: Month.optional() });
export type SummaryQuery = z.infer<typeof SummaryQuery>;

/**
 * `GET /api/stats/municipalities` and `/departments`: one figure per area over a period, and the
 * same figure over a second period when `compare_from`/`compare_to` are given.
 */
export const StatsParams = z.object({
	category: CategoryList,
	from: Month.optional(),
	to: Month.optional(),
	measure: z.enum(['count', 'rate', 'smoothed_rate']).default('count'),
	smoothing: z.enum(['global', 'local']).default('global'),
	compare_from: Month.optional(),
	compare_to: Month.optional()
});
export type StatsParams = z.infer<typeof StatsParams>;

/** `GET /api/reports/hexagons`: point reports per H3 cell inside `bbox=west,south,east,north` (degrees). */
export const HexagonQuery = z.object({
	category: CategoryList,
	from: Month,
	to: Month,
	resolution: z.coerce.number().int().min(4).max(8),
	bbox: z
		.string()
		.transform((text) => text.split(',').map(Number))
		.pipe(
			z
				.tuple([z.number().min(-180), z.number().min(-90), z.number().max(180), z.number().max(90)])
				.refine(([w, s, e, n]) => w < e && s < n, 'west < east and south < north')
		)
});
export type HexagonQuery = z.infer<typeof HexagonQuery>;
