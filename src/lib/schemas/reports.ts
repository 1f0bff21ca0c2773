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
