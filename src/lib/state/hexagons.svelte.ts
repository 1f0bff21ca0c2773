import type { InferResponseType } from 'hono/client';
import { api, read } from '$lib/api';
import type { CategoryId } from '$lib/domain/categories';
import type { EffectivePeriod } from './issues.svelte';

export type HexagonCell = InferResponseType<typeof api.api.reports.hexagons.$get, 200>['cells'][number];

/**
 * Point reports per H3 cell behind the choropleth, for restricted roles at close zoom (≥ 7), on
 * cells whose size follows the zoom (resolution 5 ≈ 250 km² at zoom 8 … 8 ≈ 0.7 km² from zoom 11).
 */

export type HexagonQuery = {
	categories: readonly CategoryId[];
	period: EffectivePeriod;
	zoom: number;
	bbox: [number, number, number, number];
};

/** The zoom from which the cells are drawn. */
export const HEXAGON_MIN_ZOOM = 7;

export class HexagonLayer {
	cells = $state.raw<HexagonCell[] | null>(null);
	#controller: AbortController | null = null;

	/** Loads the cells of a view (null, or a zoom below 7: none); a newer call cancels an older one. */
	load(query: HexagonQuery | null): void {
		this.#controller?.abort();
		if (!query || query.zoom < HEXAGON_MIN_ZOOM) {
			this.cells = null;
			return;
		}
		const resolution = Math.min(8, Math.max(5, Math.floor(query.zoom) - 3));
		const controller = new AbortController();
		this.#controller = controller;
		const params = {
			category: query.categories.join(','),
			from: query.period.from,
			to: query.period.to,
			resolution: String(resolution),
			bbox: query.bbox.map((x) => x.toFixed(4)).join(',')
		};
		read(api.api.reports.hexagons.$get({ query: params }, { init: { signal: controller.signal } }))
			.then((body) => {
				if (!controller.signal.aborted) this.cells = body.cells;
			})
			// A refusal or a failure draws no cells; an abort means a newer view is on its way.
			.catch(() => {
				if (!controller.signal.aborted) this.cells = null;
			});
	}

	destroy(): void {
		this.#controller?.abort();
	}
}
