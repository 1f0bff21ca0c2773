import { z } from 'zod';
import { PROVIDER_IDS } from '$lib/domain/questionnaire';
import { Month } from './query';

/** What an estimate of the leaders' panel is about: a provider, rural safety, or the trust index. */
export const SurveyTarget = z.enum(['index', 'rural-safety', ...PROVIDER_IDS] as [string, ...string[]]);

/** `GET /api/surveys/municipalities`: one estimate per municipality for one wave. */
export const SurveyEstimatesQuery = z.object({
	provider: SurveyTarget.default('index'),
	month: Month,
	// `measure=index` is the trust index (the mean over providers), whatever `provider` says.
	measure: z.enum(['mean', 'share', 'index']).default('mean')
});
export type SurveyEstimatesQuery = z.infer<typeof SurveyEstimatesQuery>;
