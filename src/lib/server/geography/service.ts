import type { MunicipalityDetail, MunicipalitySummary } from '../../schemas/municipality';
import {
	countMunicipalities,
	getDatasetMeta,
	getMunicipality,
	listMunicipalities
} from '../db/municipalities';
import { ServiceError } from '../errors';
import type { ServiceDeps } from '../services';

/**
 * The places everything else is about: DANE's municipalities and departments (public facts,
 * the same for every viewer), and the state of the loaded data for the health check.
 */
export function createGeographyService({ db }: ServiceDeps) {
	return {
		municipalities(): MunicipalitySummary[] {
			return listMunicipalities(db);
		},
		municipality(code: string): MunicipalityDetail {
			const municipality = getMunicipality(db, code);
			if (!municipality) throw new ServiceError('not_found', `No municipality with DIVIPOLA code ${code}`);
			return municipality;
		},
		health() {
			return {
				status: 'ok' as const,
				dataVersion: getDatasetMeta(db, 'data.version'),
				boundaries: {
					municipalities: countMunicipalities(db),
					source: getDatasetMeta(db, 'boundaries.source')
				}
			};
		}
	};
}

export type GeographyService = ReturnType<typeof createGeographyService>;
