import type { Feature, MultiLineString } from 'geojson';
import { api, read } from '$lib/api';
import { classifyQuantiles, classOf, type Classification } from '$lib/domain/classify';
import {
	BoundariesMissingError,
	departmentOutline,
	fetchTopology,
	municipalityBorders,
	municipalityFeatures,
	type MunicipalityGeometry
} from '$lib/map/boundaries';
import type { MapClass } from '$lib/map/thematic';
import type { MunicipalitySummary } from '$lib/schemas/municipality';
import { valueByKey } from './lookup';

export type MunicipalityMapProperties = {
	code: string;
	name: string;
	departmentName: string;
	/** Inhabitants per km²: 2018 census population over MGN area; null when either is missing. */
	density: number | null;
};
export type MunicipalityFeature = Feature<MunicipalityGeometry, MunicipalityMapProperties>;

export type AtlasStatus = 'loading' | 'ready' | 'missing' | 'error';

export type BoundaryVersions = { municipalities: string | null; departments: string | null };

/** Number of classes of the choropleth (quantiles; see domain/classify.ts). */
export const CLASS_COUNT = 7;

/**
 * The data behind the map: the municipality list (for search and names), the boundaries joined
 * with population density, and its classification. Features are large and never mutated, so
 * they sit in `$state.raw` (no deep proxies over ~1,100 polygons); they are replaced only by a
 * new load, and every thematic layer colours these same objects by code.
 */
export class Atlas {
	status = $state<AtlasStatus>('loading');
	municipalities = $state.raw<MunicipalitySummary[]>([]);
	features = $state.raw<MunicipalityFeature[]>([]);
	municipalityBorders = $state.raw<Feature<MultiLineString> | null>(null);
	departmentLines = $state.raw<Feature<MultiLineString> | null>(null);
	classification = $state.raw<Classification | null>(null);
	/** The municipality codes in the boundaries' order (the order of `features`). */
	readonly codes: readonly string[] = $derived(this.features.map((f) => f.properties.code));
	readonly #byCode: ReadonlyMap<string, MunicipalityMapProperties> = $derived(
		valueByKey(
			this.features,
			(f) => f.properties.code,
			(f) => f.properties
		)
	);

	#controller: AbortController | null = null;

	/** `versions` is read at each load, so a retry after a rebuild asks for the new files. */
	constructor(private readonly versions: () => BoundaryVersions) {}

	/** Loads (or reloads, after an error) everything; a newer call cancels an older one. */
	async load(): Promise<void> {
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		const { signal } = controller;
		const versions = this.versions();
		this.status = 'loading';
		try {
			// The search works from the list alone, so it is published before the heavier geometry.
			const listed = fetchMunicipalityList(signal).then((list) => {
				if (!signal.aborted) this.municipalities = list;
				return list;
			});
			const [list, municipalityTopology, departmentTopology] = await Promise.all([
				listed,
				fetchTopology('municipalities', versions.municipalities, signal),
				fetchTopology('departments', versions.departments, signal)
			]);
			const { features, classification } = joinDensity(list, municipalityFeatures(municipalityTopology));
			this.features = features;
			this.municipalityBorders = municipalityBorders(municipalityTopology);
			this.departmentLines = departmentOutline(departmentTopology);
			this.classification = classification;
			this.status = 'ready';
		} catch (error) {
			if (signal.aborted) return;
			// Missing boundaries are an expected state of a fresh install, shown as such, not a fault.
			if (error instanceof BoundariesMissingError) {
				this.status = 'missing';
				return;
			}
			this.status = 'error';
			console.error('Map data failed to load', error);
		}
	}

	/** A municipality's facts as joined with its boundary, if it is on the map. */
	propertiesOf(code: string): MunicipalityMapProperties | undefined {
		return this.#byCode.get(code);
	}

	/** The density class of a municipality on the population-density map. */
	densityClassOf(code: string): MapClass {
		const density = this.#byCode.get(code)?.density ?? null;
		return density === null || !this.classification
			? 'no-data'
			: classOf(density, this.classification.breaks);
	}

	destroy(): void {
		this.#controller?.abort();
	}
}

/** Boundaries joined with the list by DIVIPOLA code, each with its density and legend class. */
function joinDensity(
	list: MunicipalitySummary[],
	shapes: ReturnType<typeof municipalityFeatures>
): { features: MunicipalityFeature[]; classification: Classification | null } {
	const byCode = new Map(list.map((m) => [m.code, m]));
	const densities = shapes.map((f) => densityOf(byCode.get(f.properties.code)));
	const classification = classifyQuantiles(
		densities.filter((d): d is number => d !== null),
		CLASS_COUNT
	);
	const features = shapes.map((f, i): MunicipalityFeature => {
		const summary = byCode.get(f.properties.code);
		const density = densities[i] ?? null;
		return {
			type: 'Feature',
			geometry: f.geometry,
			properties: {
				code: f.properties.code,
				name: summary?.name ?? f.properties.name,
				departmentName: summary?.department.name ?? '',
				density
			}
		};
	});
	return { features, classification };
}

function densityOf(summary: MunicipalitySummary | undefined): number | null {
	if (!summary || !(summary.areaKm2 > 0) || !Number.isFinite(summary.population)) return null;
	return summary.population / summary.areaKm2;
}

async function fetchMunicipalityList(signal: AbortSignal): Promise<MunicipalitySummary[]> {
	return (await read(api.api.municipalities.$get({}, { init: { signal } }))).municipalities;
}
