import { z } from 'zod';
import { MunicipalityCode } from './municipality';

/**
 * `GET /api/context/armed-groups`: armed-group presence (CEDE), a context layer, not a count.
 * Either one year for every municipality the caller may see, or every year of one municipality.
 */
export const ArmedGroupsQuery = z
	.object({
		year: z.coerce.number().int().min(1900).max(2100).optional(),
		municipality: MunicipalityCode.optional()
	})
	.strict()
	.refine((q) => (q.year === undefined) !== (q.municipality === undefined), {
		message: 'give either `year` (every municipality that year) or `municipality` (its years)'
	});
export type ArmedGroupsQuery = z.infer<typeof ArmedGroupsQuery>;

/** Presence flags of one municipality-year: true present, false not recorded as present. */
export type ArmedGroupFlags = { farc: boolean; eln: boolean; auc: boolean };

export type ArmedGroupsAnswer = {
	source: { attribution: string; note: { es: string; en: string } };
	/** The years the layer holds (null: not loaded). */
	years: { from: number; to: number } | null;
} & (
	| { year: number; municipalities: ({ code: string } & ArmedGroupFlags)[] }
	| { municipality: string; series: ({ year: number } & ArmedGroupFlags)[] }
);
