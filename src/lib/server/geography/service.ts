import type { MunicipalityDetail, MunicipalitySummary } from '../../schemas/municipality';
import {
	countMunicipalities,
	getDatasetMeta,
	getMunicipality,
	listMunicipalities
} from '../db/municipalities';
import { ServiceError } from '../errors';
import type { ServiceDeps } from '../services';
import { BOUNDARY_LAYERS, createBoundaryStore, type BoundaryLayer } from './boundaries';

/**
 * The places everything else is about: DANE's municipalities and departments and their web
 * boundaries (public facts, the same for every viewer), and the state of the loaded data for the
 * health check.
 */
export function createGeographyService({ db, config }: ServiceDeps) {
	const boundaryStore = createBoundaryStore(config.boundariesDir);
	return {
		/** A web boundary file, compressed once per version; null until `npm run geo:build` made it. */
		boundaries(layer: BoundaryLayer) {
			return boundaryStore.get(layer);
		},
		/** The version of each boundary file, for year-cacheable `?v=` URLs (null while missing). */
		boundaryVersions(): Record<BoundaryLayer, string | null> {
			const [municipalities, departments] = BOUNDARY_LAYERS.map((l) => boundaryStore.get(l)?.version ?? null);
			return { municipalities: municipalities ?? null, departments: departments ?? null };
		},
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
