import type { ArmedGroupsAnswer, ArmedGroupsQuery } from '$lib/schemas/context';
import { ServiceError } from '../errors';
import { scopeOf } from '../scope';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';

/**
 * Context layers: facts about places that are not reported issues and never enter a category's
 * figure. Armed-group presence (CEDE, 1993–2013) is public academic data at municipality-year
 * level, but it is a label on a community (a municipality "with FARC" is stigmatised, and the
 * flags are CEDE's coding, distributed to registered researchers), so it is for restricted roles
 * only: planners and admins nationwide, providers inside their jurisdiction. The public never
 * receives it; README "Context layers" explains the choice.
 */

export const ARMED_GROUPS_SOURCE = {
	attribution:
		'Fuente: CEDE – Universidad de los Andes, Panel municipal de conflicto y violencia (presencia de grupos armados)',
	note: {
		es: 'Presencia de FARC, ELN y AUC según la codificación del CEDE (hasta 2013): contexto de gobernanza criminal, no un conteo. Que no figure presencia no prueba que no la hubiera.',
		en: 'FARC, ELN and AUC presence as coded by CEDE (to 2013): context for criminal governance, not a count. No recorded presence does not prove there was none.'
	}
} as const;

type Row = { code: string; year: number; farc: number; eln: number; auc: number };

export function createContextService({ db }: ServiceDeps) {
	const flags = (r: Row) => ({ farc: r.farc === 1, eln: r.eln === 1, auc: r.auc === 1 });
	return {
		armedGroups(viewer: Viewer, query: ArmedGroupsQuery): ArmedGroupsAnswer {
			const scope = scopeOf(viewer);
			if (scope.isPublic)
				throw new ServiceError('forbidden', 'Armed-group presence is for signed-in roles only');
			const span = db
				.prepare('SELECT min(year) AS "from", max(year) AS "to" FROM armed_group_presence')
				.get() as {
				from: number | null;
				to: number | null;
			};
			const years = span.from === null || span.to === null ? null : { from: span.from, to: span.to };
			const select = `SELECT municipality_code AS code, year, farc, eln, auc FROM armed_group_presence`;
			if (query.municipality !== undefined) {
				scope.assertMunicipality(query.municipality);
				const rows = db
					.prepare(`${select} WHERE municipality_code = ? ORDER BY year`)
					.all(query.municipality) as Row[];
				return {
					source: ARMED_GROUPS_SOURCE,
					years,
					municipality: query.municipality,
					series: rows.map((r) => ({ year: r.year, ...flags(r) }))
				};
			}
			const rows = db.prepare(`${select} WHERE year = ? ORDER BY code`).all(query.year!) as Row[];
			return {
				source: ARMED_GROUPS_SOURCE,
				years,
				year: query.year!,
				municipalities: scope.keep(rows, (r) => r.code).map((r) => ({ code: r.code, ...flags(r) }))
			};
		}
	};
}

export type ContextService = ReturnType<typeof createContextService>;
