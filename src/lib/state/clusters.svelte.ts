import { api, isAbort, read } from '$lib/api';
import type { CategoryId } from '$lib/domain/categories';
import type { MapClass } from '$lib/map/thematic';
import type { SpatialResult, SpatialStatistic, SpatialValue } from '$lib/schemas/analysis';
import { byKey, countByKey } from './lookup';

/**
 * The cluster views of the priorities page: Local Moran's I (LISA cluster map) or Getis-Ord Gi*
 * hot and cold spots of one issue's rate over the index's 12-month window, from
 * GET /api/analysis/local-moran | getis-ord. The map colours by cluster class.
 */

export type ClusterKind = SpatialStatistic;
/** What the priorities map shows: the index, a cluster map, or the emerging hot spots. */
export type MapView = 'index' | ClusterKind | 'emerging-hot-spots';

/** Whether the view is one of the two cluster maps of this state. */
export const isClusterKind = (view: MapView): view is ClusterKind =>
	view === 'local-moran' || view === 'getis-ord';

/** Legend classes in order, and their colours (GeoDa's conventional LISA and hot-spot colours). */
export const CLUSTER_CLASSES: Record<ClusterKind, { id: string; colour: string }[]> = {
	'local-moran': [
		{ id: 'high-high', colour: '#d7191c' },
		{ id: 'low-low', colour: '#2c7bb6' },
		{ id: 'high-low', colour: '#f4a6a0' },
		{ id: 'low-high', colour: '#a6bddb' },
		{ id: 'not-significant', colour: '#f1f1ef' }
	],
	'getis-ord': [
		{ id: 'hot', colour: '#d7191c' },
		{ id: 'cold', colour: '#2c7bb6' },
		{ id: 'not-significant', colour: '#f1f1ef' }
	]
};

export class ClusterState {
	view = $state<MapView>('index');
	/** The issue the user picked; it stands while it is among the chosen categories. */
	picked = $state<CategoryId | null>(null);
	readonly category: CategoryId | null = $derived.by(() => {
		const available = this.#categories();
		return this.picked && available.includes(this.picked) ? this.picked : (available[0] ?? null);
	});
	fdr = $state(false);
	result = $state.raw<SpatialResult | null>(null);
	status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');

	readonly byCode: ReadonlyMap<string, SpatialValue> = $derived(
		byKey(this.result?.values ?? [], (v) => v.code)
	);
	readonly counts = $derived(countByKey(this.result?.values ?? [], (v) => v.cluster));

	#controller: AbortController | null = null;
	readonly #categories: () => readonly CategoryId[];

	/** `categories`: the issues the priority index uses, among which one is analysed. */
	constructor(categories: () => readonly CategoryId[]) {
		this.#categories = categories;
	}

	/** Map class: the position in CLUSTER_CLASSES; no data (grey) for no data or no neighbours. */
	classOf(code: string): MapClass {
		if (!isClusterKind(this.view) || !this.result) return 'no-data';
		const cluster = this.byCode.get(code)?.cluster;
		const i = CLUSTER_CLASSES[this.view].findIndex((c) => c.id === cluster);
		return i < 0 ? 'no-data' : i;
	}

	async load(kind: ClusterKind, category: CategoryId, window: { from: string; to: string }, fdr: boolean) {
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.status = 'loading';
		try {
			const query = { category, from: window.from, to: window.to, fdr: String(fdr) as 'true' | 'false' };
			const init = { init: { signal: controller.signal } };
			const result = await read(
				kind === 'local-moran'
					? api.api.analysis['local-moran'].$get({ query }, init)
					: api.api.analysis['getis-ord'].$get({ query }, init)
			);
			if (controller.signal.aborted) return;
			this.result = result;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted || isAbort(error)) return;
			console.error(error);
			this.result = null;
			this.status = 'error';
		}
	}

	destroy() {
		this.#controller?.abort();
	}
}
