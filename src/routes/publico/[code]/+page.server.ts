import { error } from '@sveltejs/kit';
import { parseMunicipalityCode } from '$lib/domain/divipola';
import type { PageServerLoad } from './$types';

export type Prevention = {
	municipality: { code: string; name: string; department: string };
	issues: { id: string; label: { es: string; en: string } }[];
	dialogues: { programme: string; title: string; year: number; date: string | null }[];
	figures: {
		category: string;
		year: number;
		unit: string;
		value: number | null;
		display: string | null;
		attributions: string[];
	}[];
	booklets: { problem: string; steps: string[]; resources: string | null }[];
	commitments: { total: number; shareDone: number | null };
};

/** One municipality's public prevention page: the same facts as GET /api/municipalities/:code/prevention. */
export const load: PageServerLoad = async ({ fetch, params }) => {
	const code = parseMunicipalityCode(params.code);
	if (!code) error(400, 'Código DIVIPOLA no válido / Invalid DIVIPOLA code');
	const response = await fetch(`/api/municipalities/${code}/prevention`);
	if (response.status === 404) error(404, 'Municipio no encontrado / Municipality not found');
	if (!response.ok) error(502, 'No se pudo cargar / Could not load');
	return { prevention: (await response.json()) as Prevention };
};
