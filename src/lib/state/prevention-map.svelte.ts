import { bbox as bboxOf, pointOnFeature } from '@turf/turf';
import type { InferResponseType } from 'hono/client';
import { replaceState } from '$app/navigation';
import { resolve } from '$app/paths';
import type { api } from '$lib/api';
import { parseLocale, type Locale } from '$lib/i18n';
import { clusterDialogueMarks, type ClusteredMark } from '$lib/map/dialogue-clusters';
import type { MapLayerInput } from '$lib/map/layers';
import { fillOf } from '$lib/map/thematic';
import { PreventionMap } from '$lib/map/thematic/prevention.svelte';
import { Atlas, type BoundaryVersions } from './atlas.svelte';
import { byKey, valueByKey } from './lookup';

/** GET /api/public/prevention: the release's municipalities with prevention facts. */
export type PreventionIndex = InferResponseType<typeof api.api.public.prevention.$get, 200>;
export type PreventionEntry = PreventionIndex['municipalities'][number];
export type BBox = [west: number, south: number, east: number, north: number];

/**
 * The public prevention map's state (/publico): the release's index (the page's load, the same
 * answer as GET /api/public/prevention), the boundaries it is drawn on, and what the visitor
 * chose — an issue to filter by, a municipality, the language — kept in the URL (`?issue=`,
 * `?m=`, `?lang=`) so that a link or a printout shows the same view. Nothing here asks the API
 * for figures: the page arrives with everything it shows.
 */
export class PreventionMapState {
	readonly atlas: Atlas;
	readonly layer: PreventionMap;
	locale = $state<Locale>('es');
	/** A category id the municipalities must have named; null: every municipality. */
	issue = $state<string | null>(null);
	selectedCode = $state<string | null>(null);
	/** The map's zoom after each move (dialogue marks are regrouped per whole zoom level). */
	zoom = $state(5);

	readonly #index: () => PreventionIndex;
	readonly byCode: ReadonlyMap<string, PreventionEntry> = $derived.by(() =>
		byKey(this.index.municipalities, (m) => m.municipality.code)
	);
	/** The municipalities listed and coloured: those that named the chosen issue, or all. */
	readonly shown: PreventionEntry[] = $derived.by(() =>
		this.index.municipalities.filter((m) => !this.issue || m.issues.some((i) => i.id === this.issue))
	);
	readonly #shownCodes: ReadonlyMap<string, PreventionEntry> = $derived.by(() =>
		byKey(this.shown, (m) => m.municipality.code)
	);
	/** A point inside each listed municipality's polygon, and its bounding box (for fitting). */
	readonly #places: ReadonlyMap<string, { point: [number, number]; bbox: BBox }> = $derived.by(() =>
		valueByKey(
			this.atlas.features.filter((f) => this.byCode.has(f.properties.code)),
			(f) => f.properties.code,
			(f) => ({
				point: pointOnFeature(f).geometry.coordinates as [number, number],
				bbox: bboxOf(f) as BBox
			})
		)
	);
	readonly #zoomLevel = $derived.by(() => Math.floor(this.zoom));
	/** A ring per listed municipality (its dialogues' places are never public), grouped at low zoom. */
	readonly #marks: ClusteredMark[] = $derived.by(() =>
		clusterDialogueMarks(
			this.shown.flatMap((m) => {
				const place = this.#places.get(m.municipality.code);
				return place ? [{ position: place.point, exact: false }] : [];
			}),
			this.#zoomLevel
		)
	);

	readonly layers: MapLayerInput | null = $derived.by(() => {
		if (this.atlas.status !== 'ready') return null;
		return {
			municipalities: this.atlas.features,
			municipalityBorders: this.atlas.municipalityBorders,
			departmentLines: this.atlas.departmentLines,
			fill: fillOf(this.layer),
			selectedCode: this.selectedCode,
			dialogues: this.#marks
		};
	});

	/** The issues of the filter, most often named first, in the visitor's language. */
	readonly issues = $derived.by(() =>
		this.index.issues.map((i) => ({ id: i.id, label: i.label[this.locale], count: i.municipalities }))
	);

	constructor(url: URL, index: () => PreventionIndex, versions: () => BoundaryVersions) {
		this.#index = index;
		this.atlas = new Atlas(versions);
		this.layer = new PreventionMap(
			() => this.index,
			() => this.byCode,
			() => this.#shownCodes,
			() => this.atlas.codes,
			() => this.locale
		);
		this.readUrl(url);
	}

	get index(): PreventionIndex {
		return this.#index();
	}

	readUrl(url: URL): void {
		this.locale = parseLocale(url.searchParams.get('lang'));
		const issue = url.searchParams.get('issue');
		this.issue = issue && this.index.issues.some((i) => i.id === issue) ? issue : null;
		const code = url.searchParams.get('m');
		this.selectedCode = code && this.byCode.has(code) ? code : null;
	}

	setIssue(issue: string | null): void {
		this.issue = issue;
		// A selection the filter hides is dropped, so the map never outlines an unlisted municipality.
		if (this.selectedCode && !this.#shownCodes.has(this.selectedCode)) this.selectedCode = null;
		this.#writeUrl();
	}

	select(code: string | null): void {
		this.selectedCode = code && this.byCode.has(code) ? code : null;
		this.#writeUrl();
	}

	setLocale(locale: Locale): void {
		this.locale = locale;
		this.#writeUrl();
	}

	/** The bounding box of a listed municipality, once the boundaries have arrived. */
	bboxOf(code: string): BBox | null {
		return this.#places.get(code)?.bbox ?? null;
	}

	/** The query string for a link to another public page in the same language. */
	get langQuery(): string {
		return this.locale === 'en' ? '?lang=en' : '';
	}

	#writeUrl(): void {
		const search = [
			this.issue ? `issue=${encodeURIComponent(this.issue)}` : '',
			this.selectedCode ? `m=${this.selectedCode}` : '',
			this.locale !== 'es' ? `lang=${this.locale}` : ''
		]
			.filter(Boolean)
			.join('&');
		if (`?${search}` === location.search || (search === '' && location.search === '')) return;
		replaceState(search ? resolve(`/publico?${search}`) : resolve('/publico'), {});
	}

	start(): void {
		void this.atlas.load();
	}

	destroy(): void {
		this.atlas.destroy();
	}
}
