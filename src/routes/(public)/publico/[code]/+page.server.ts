import { error } from '@sveltejs/kit';
import { parseMunicipalityCode } from '$lib/domain/divipola';
import { serverContext } from '$lib/server/context';
import { ServiceError } from '$lib/server/errors';
import { PUBLIC_VIEWER } from '$lib/server/viewer';
import type { PageServerLoad } from './$types';

/**
 * One municipality's public prevention page: the same facts as GET
 * /api/municipalities/:code/prevention, as the anonymous public sees them whoever is signed in.
 */
export const load: PageServerLoad = ({ params }) => {
	const code = parseMunicipalityCode(params.code);
	if (!code) error(400, 'Código DIVIPOLA no válido / Invalid DIVIPOLA code');
	try {
		return { prevention: serverContext().services.dialogues.prevention(PUBLIC_VIEWER, code) };
	} catch (e) {
		if (e instanceof ServiceError && e.code === 'not_found')
			error(404, 'Municipio no encontrado / Municipality not found');
		throw e;
	}
};
