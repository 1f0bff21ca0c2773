import { api, isAbort, read } from '$lib/api';
import type { PatrolOptions, PatrolResult } from '$lib/schemas/analysis';

/** The patrol route's query as strings (its schema parses them), shared by the view and the export link. */
export type PatrolQuery = { category: string } & Record<string, string>;

/**
 * The providers' patrol view: the choice of issues, weights, area, cell size, half-life and
 * window, and the cells the API answers for it (GET /api/analysis/patrol). The same query,
 * as `patrol.geojson`, is the export link.
 */

/** Average H3 hexagon area (km²) by resolution, from the H3 documentation's table. */
export const H3_AREA_KM2: Record<number, number> = { 5: 252.9, 6: 36.13, 7: 5.161, 8: 0.7373, 9: 0.1053 };

export class PatrolState {
	categories = $state<string[]>([]);
	weights = $state<Record<string, number>>({});
	area = $state('');
	resolution = $state(6);
	halfLifeDays = $state(365);
	to = $state('');
	result = $state.raw<PatrolResult | null>(null);
	status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');

	#controller: AbortController | null = null;

	constructor(options: PatrolOptions) {
		this.categories = options.categories.map((c) => c.id);
		this.to =
			options.categories
				.map((c) => c.to)
				.sort()
				.at(-1) ?? '';
	}

	/** The query shared by the view (GET /api/analysis/patrol) and its GeoJSON export. */
	readonly query = $derived.by(() => {
		const query: PatrolQuery = {
			category: this.categories.join(','),
			resolution: String(this.resolution),
			half_life_days: String(this.halfLifeDays)
		};
		const weights = this.categories
			.filter((id) => (this.weights[id] ?? 1) !== 1)
			.map((id) => `${id}:${this.weights[id]}`);
		if (weights.length > 0) query.weights = weights.join(',');
		if (this.area) query.area = this.area;
		if (this.to) query.to = this.to;
		return query;
	});

	async load(query: PatrolQuery): Promise<void> {
		this.#controller?.abort();
		if (this.categories.length === 0) {
			this.result = null;
			this.status = 'idle';
			return;
		}
		const controller = new AbortController();
		this.#controller = controller;
		this.status = 'loading';
		try {
			const answer = await read(
				api.api.analysis.patrol.$get({ query }, { init: { signal: controller.signal } })
			);
			if (controller.signal.aborted) return;
			this.result = answer;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted || isAbort(error)) return;
			console.error(error);
			this.status = 'error';
		}
	}

	destroy() {
		this.#controller?.abort();
	}
}
