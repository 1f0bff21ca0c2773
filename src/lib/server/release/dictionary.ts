import { CATEGORIES } from '$lib/domain/categories';
import { COMMUNITY_BLOCK_PREFIX } from '$lib/domain/community/report';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import { GROUP_MEMBERS, shapeOf, tableOf } from './build';
import { RELEASE_TABLES } from './types';

type Text = { es: string; en: string };

/**
 * The data dictionary of the public tables (`GET /api/public/dictionary`), as HDX asks of a
 * dataset: every column, every value a coded column takes, the categories with their units, and
 * the rules that protect the figures, in Spanish and English.
 */
export function dictionary(config: DisclosureConfig = DISCLOSURE) {
	const { min, max } = config.smallCell;
	const d = config.perturbation.maxAbs;
	const columns: { name: string; type: string; description: Text; values?: Record<string, Text> }[] = [
		{
			name: 'area_level',
			type: 'text',
			description: { es: 'Nivel del área', en: 'Level of the area' },
			values: {
				municipality: {
					es: 'Municipio (código DIVIPOLA de 5 dígitos)',
					en: 'Municipality (5-digit DIVIPOLA code)'
				},
				department: {
					es: 'Departamento (los 2 primeros dígitos de sus municipios)',
					en: 'Department (the first 2 digits of its municipalities)'
				},
				nation: { es: 'Colombia (código CO)', en: 'Colombia (code CO)' }
			}
		},
		{ name: 'area_code', type: 'text', description: { es: 'Código del área', en: 'Code of the area' } },
		{
			name: 'period_grain',
			type: 'text',
			description: { es: 'Tipo de periodo', en: 'Kind of period' },
			values: {
				month: { es: 'Mes (AAAA-MM)', en: 'Month (YYYY-MM)' },
				quarter: { es: 'Trimestre (AAAA-Qn)', en: 'Quarter (YYYY-Qn)' },
				year: { es: 'Año (AAAA)', en: 'Year (YYYY)' }
			}
		},
		{ name: 'period', type: 'text', description: { es: 'El periodo', en: 'The period' } },
		{
			name: 'category',
			type: 'text',
			description: {
				es: `Categoría, o ${config.nonSensitiveGroup}: todas las categorías no sensibles que cuentan personas o hechos, o ${COMMUNITY_BLOCK_PREFIX}<categoría>: reportes comunitarios verificados, una fuente propia nunca sumada a la oficial (tabla sensitive)`,
				en: `Category, or ${config.nonSensitiveGroup}: every non-sensitive category counting people or events, or ${COMMUNITY_BLOCK_PREFIX}<category>: verified community reports, a source of their own never added to the official one (sensitive table)`
			}
		},
		{
			name: 'value',
			type: 'number',
			description: {
				es: `El valor publicado; vacío si no se publica. Los conteos de ${max + 1} o más llevan un ruido de −${d} a +${d}; las hectáreas son exactas`,
				en: `The published value; empty when none is published. Counts of ${max + 1} or more carry noise from −${d} to +${d}; hectares are exact`
			}
		},
		{
			name: 'status',
			type: 'text',
			description: { es: 'Cómo se publica el valor', en: 'How the value is published' },
			values: {
				published: { es: 'Publicado', en: 'Published' },
				small: {
					es: `Entre ${min} y ${max}: no se publica el valor`,
					en: `Between ${min} and ${max}: no value is published`
				},
				withheld: { es: 'Retenido', en: 'Withheld' }
			}
		}
	];
	return {
		columns,
		tables: RELEASE_TABLES.map((id) => ({ id, file: `${id}.csv`, ...shapeOf(id, config) })),
		categories: [
			...CATEGORIES.map((c) => ({
				id: c.id,
				label: c.label,
				unit: c.unit,
				sensitive: c.sensitive,
				table: tableOf(c.id)
			})),
			{
				id: config.nonSensitiveGroup,
				label: { es: 'Todas las categorías no sensibles', en: 'All non-sensitive categories' },
				unit: 'reports',
				sensitive: false,
				table: 'issues' as const,
				members: GROUP_MEMBERS
			}
		],
		rules: {
			method: 'cell-key',
			smallCell: { min, max },
			perturbation: { maxAbs: d },
			zeroPublished: true,
			sensitiveCategories: [...config.sensitiveCategories],
			notes: {
				es: `Cada cifra se protege por separado, con su propia clave: un total no es exactamente la suma de sus partes publicadas. Las tasas por 100.000 habitantes se calculan con los conteos publicados.`,
				en: `Each figure is protected on its own, from its own key: a total is not exactly the sum of its published parts. Rates per 100,000 inhabitants are computed from the published counts.`
			}
		}
	};
}
