import type { MapLayerInput } from '$lib/map/layers';
import { fillOf, type ThematicLayer } from '$lib/map/thematic';
import { DensityMap } from '$lib/map/thematic/density.svelte';
import { IssueMap } from '$lib/map/thematic/issues.svelte';
import { TrustMap } from '$lib/map/thematic/trust.svelte';
import { Atlas, type BoundaryVersions } from './atlas.svelte';
import { DialogueLayer } from './dialogues.svelte';
import { HexagonLayer } from './hexagons.svelte';
import { IssueLayer } from './issues.svelte';
import { valueByKey } from './lookup';
import { MunicipalityDetailState } from './municipality-detail.svelte';
import { TrustLayer } from './trust.svelte';
import { ViewState } from './view.svelte';

export type Viewport = { zoom: number; bbox: [number, number, number, number] };

/**
 * The public map page's state, composed: what the user looks at (the URL's view), the boundaries,
 * the three thematic layers (density, reported issues, trust) of which one colours the map, the
 * dialogues and the selected municipality's facts. The page only wires it to components.
 */
export class MapPageState {
	readonly view: ViewState;
	readonly atlas: Atlas;
	readonly facts = new MunicipalityDetailState();
	readonly issues = new IssueLayer();
	readonly trust = new TrustLayer();
	readonly dialogues = new DialogueLayer();
	readonly hexagons = new HexagonLayer();
	readonly density: DensityMap;
	readonly issueMap: IssueMap;
	readonly trustMap: TrustMap;
	/** The map's visible box after each move (for the close-zoom hexagons and dialogue groups). */
	viewport = $state.raw<Viewport | null>(null);

	/** One thematic layer: the trust panel, reported issues when a category is chosen, else density. */
	readonly trustMode = $derived.by(() => this.view.trust.target !== null && this.trust.status !== 'idle');
	readonly issueMode = $derived.by(
		() => !this.trustMode && this.view.issues.categories.length > 0 && this.issues.status !== 'idle'
	);
	readonly thematic: ThematicLayer = $derived.by(() =>
		this.trustMode ? this.trustMap : this.issueMode ? this.issueMap : this.density
	);

	// Dialogues are regrouped only when the whole zoom level changes, not on every frame of a zoom.
	readonly #zoomLevel = $derived.by(() => Math.floor(this.viewport?.zoom ?? 5));
	readonly #dialogueMarks = $derived.by(() => this.dialogues.marksAt(this.#zoomLevel));

	/**
	 * What the map draws. The boundaries are the atlas's own arrays, whatever the layer: switching
	 * language, layer or period only changes `fill`, so deck.gl recolours and never re-tessellates.
	 */
	readonly layers: MapLayerInput | null = $derived.by(() => {
		const atlas = this.atlas;
		if (atlas.status !== 'ready') return null;
		return {
			municipalities: atlas.features,
			municipalityBorders: atlas.municipalityBorders,
			departmentLines: atlas.departmentLines,
			fill: fillOf(this.thematic),
			selectedCode: this.view.selectedCode,
			hexagons: this.hexagons.cells ?? undefined,
			dialogues: this.#dialogueMarks
		};
	});

	readonly municipalityNames: ReadonlyMap<string, string> = $derived.by(() =>
		valueByKey(
			this.atlas.municipalities,
			(m) => m.code,
			(m) => m.name
		)
	);

	constructor(url: URL, versions: () => BoundaryVersions) {
		this.view = new ViewState(url);
		this.atlas = new Atlas(versions);
		const codes = () => this.atlas.codes;
		const locale = () => this.view.locale;
		this.density = new DensityMap(this.atlas, locale);
		this.issueMap = new IssueMap(this.issues, () => this.view.issues, codes, locale);
		this.trustMap = new TrustMap(this.trust, () => this.view.trust, codes, locale);
	}

	/** Starts the loads that do not depend on the view (in the browser, on mount). */
	start(): void {
		void this.atlas.load();
		void this.issues.init();
		void this.trust.init();
		void this.dialogues.load();
	}

	/**
	 * The loads that follow the view: the selected municipality's facts, the issue and trust
	 * figures of the current choice, the close-zoom hexagons. Call once while the page component
	 * initialises (the effects belong to it and end with it).
	 */
	connect(): void {
		$effect(() => {
			void this.facts.load(this.view.selectedCode);
		});
		$effect(() => {
			// Reads every field, so any change of choice (or the extent arriving) reloads the figures.
			const choice = { ...this.view.issues, categories: [...this.view.issues.categories] };
			void this.issues.extent;
			void this.issues.load(choice);
		});
		$effect(() => {
			const choice = { ...this.view.trust };
			void this.trust.waves;
			void this.trust.load(choice);
		});
		$effect(() => {
			const v = this.viewport;
			const period = this.issues.period;
			const categories = this.view.issues.categories;
			this.hexagons.load(
				this.issues.restricted && this.issueMode && v && period ? { categories, period, ...v } : null
			);
		});
	}

	destroy(): void {
		this.atlas.destroy();
		this.issues.destroy();
		this.trust.destroy();
		this.facts.destroy();
		this.hexagons.destroy();
	}
}
