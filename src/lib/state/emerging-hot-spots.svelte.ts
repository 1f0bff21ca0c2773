import { api, isAbort, read } from '$lib/api';
import type { CategoryId } from '$lib/domain/categories';
import type { EhsaCategory } from '$lib/domain/emerging-hot-spots';
import type { MapClass } from '$lib/map/thematic';
import type { EmergingHotSpotValue, EmergingHotSpotsResult } from '$lib/schemas/analysis';
import { byKey, countByKey } from './lookup';

/**
 * The emerging hot spots view of the priorities page: ArcGIS's 17 patterns of one issue's rate
 * per quarter, over the six years that end with the index's window (GET
 * /api/analysis/emerging-hot-spots). The map colours by pattern.
 */

/** Legend order and colours: hot patterns in reds, cold in blues, oscillating in purples. */
export const EHSA_CLASSES: { id: EhsaCategory; colour: string }[] = [
	{ id: 'intensifying-hot-spot', colour: '#99000d' },
	{ id: 'persistent-hot-spot', colour: '#cb181d' },
	{ id: 'consecutive-hot-spot', colour: '#ef3b2c' },
	{ id: 'new-hot-spot', colour: '#fb6a4a' },
	{ id: 'diminishing-hot-spot', colour: '#fc9272' },
	{ id: 'sporadic-hot-spot', colour: '#fcbba1' },
	{ id: 'historical-hot-spot', colour: '#f6dcd2' },
	{ id: 'oscillating-hot-spot', colour: '#c994c7' },
	{ id: 'intensifying-cold-spot', colour: '#08306b' },
	{ id: 'persistent-cold-spot', colour: '#2171b5' },
	{ id: 'consecutive-cold-spot', colour: '#4292c6' },
	{ id: 'new-cold-spot', colour: '#6baed6' },
	{ id: 'diminishing-cold-spot', colour: '#9ecae1' },
	{ id: 'sporadic-cold-spot', colour: '#c6dbef' },
	{ id: 'historical-cold-spot', colour: '#deebf7' },
	{ id: 'oscillating-cold-spot', colour: '#9e9ac8' },
	{ id: 'no-pattern', colour: '#f1f1ef' }
];

export class EmergingState {
	result = $state.raw<EmergingHotSpotsResult | null>(null);
	status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');

	readonly byCode: ReadonlyMap<string, EmergingHotSpotValue> = $derived(
		byKey(this.result?.values ?? [], (v) => v.code)
	);
	readonly counts = $derived(countByKey(this.result?.values ?? [], (v) => v.category));

	#controller: AbortController | null = null;

	/** Map class: the position in EHSA_CLASSES; no data (grey) when some quarter has no rate. */
	classOf(code: string): MapClass {
		if (!this.result) return 'no-data';
		const category = this.byCode.get(code)?.category;
		const i = EHSA_CLASSES.findIndex((c) => c.id === category);
		return i < 0 ? 'no-data' : i;
	}

	/** Quarters up to the end of `to` (the index's window), six years back (the server's default). */
	async load(category: CategoryId, to: string) {
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.status = 'loading';
		try {
			const result = await read(
				api.api.analysis['emerging-hot-spots'].$get(
					{ query: { category, to, step: 'quarter' } },
					{ init: { signal: controller.signal } }
				)
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
