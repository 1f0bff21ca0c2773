import type { PatrolOptions, PatrolResult } from '$lib/schemas/analysis';
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

	/** The query string shared by the view and its GeoJSON export. */
	readonly query = $derived.by(() => {
		const parts = [
			`category=${encodeURIComponent(this.categories.join(','))}`,
			`resolution=${this.resolution}`,
			`half_life_days=${this.halfLifeDays}`
		];
		const weights = this.categories
			.filter((id) => (this.weights[id] ?? 1) !== 1)
			.map((id) => `${id}:${this.weights[id]}`);
		if (weights.length > 0) parts.push(`weights=${encodeURIComponent(weights.join(','))}`);
		if (this.area) parts.push(`area=${this.area}`);
		if (this.to) parts.push(`to=${this.to}`);
		return parts.join('&');
	});

	async load(query: string): Promise<void> {
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
			const response = await fetch(`/api/analysis/patrol?${query}`, { signal: controller.signal });
			if (!response.ok) throw new Error(`patrol answered ${response.status}`);
			this.result = (await response.json()) as PatrolResult;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted) return;
			console.error(error);
			this.status = 'error';
		}
	}

	destroy() {
		this.#controller?.abort();
	}
}
