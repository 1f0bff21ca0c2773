import { api, isAbort, read } from '$lib/api';
import type { CategoryId } from '$lib/domain/categories';
import type { MapClass } from '$lib/map/thematic';
import type { PriorityInputs } from '$lib/schemas/analysis';
import { positions } from './lookup';
import {
	normaliseIndicators,
	priorityScores,
	rankIntervals,
	underReportingFlags,
	type RankIntervals,
	type Weights
} from '$lib/domain/priority-index';

/**
 * The planners' priority page: the raw indicators arrive once per choice of categories and
 * window; everything after that (normalising, weighing, ranking) runs in the browser, so a slider
 * moves the ranking and the map in the same frame. Rank intervals (200 re-rankings) wait until
 * the sliders have been still for a moment.
 */

export type Preset = {
	id: string;
	label: { es: string; en: string };
	categories: CategoryId[];
	weights: Weights;
};

export const CONTEXT_INDICATORS = ['trend', 'low-trust', 'low-safety', 'no-dialogue', 'overdue'] as const;

export const PRESETS: Preset[] = [
	{
		id: 'balanced',
		label: { es: 'Equilibrado', en: 'Balanced' },
		categories: ['homicide', 'sexual-violence', 'landmines'],
		weights: {
			'rate:homicide': 2,
			'rate:sexual-violence': 1,
			'rate:landmines': 1,
			trend: 1,
			'low-trust': 1,
			'low-safety': 1,
			'no-dialogue': 1,
			overdue: 1
		}
	},
	{
		id: 'lethal',
		label: { es: 'Violencia letal y minas', en: 'Lethal violence and landmines' },
		categories: ['homicide', 'landmines'],
		weights: { 'rate:homicide': 3, 'rate:landmines': 2, trend: 1 }
	},
	{
		id: 'gender',
		label: { es: 'Violencia sexual e intrafamiliar', en: 'Sexual and domestic violence' },
		categories: ['sexual-violence', 'domestic-violence'],
		weights: { 'rate:sexual-violence': 3, 'rate:domestic-violence': 2, trend: 1, 'low-trust': 1 }
	},
	{
		id: 'trust',
		label: { es: 'Confianza y diálogo', en: 'Trust and dialogue' },
		categories: ['homicide', 'sexual-violence'],
		weights: {
			'rate:homicide': 1,
			'rate:sexual-violence': 1,
			'low-trust': 3,
			'low-safety': 2,
			'no-dialogue': 2,
			overdue: 2
		}
	}
];

export type RankingRow = {
	index: number;
	code: string;
	name: string;
	department: string;
	score: number | null;
	rank: number;
	best: number | null;
	worst: number | null;
	coverage: number;
	underReporting: boolean;
};

export class PriorityState {
	categories = $state<CategoryId[]>([...PRESETS[0]!.categories]);
	weights = $state<Record<string, number>>({ ...PRESETS[0]!.weights });
	/** The window's last month; null: the latest month every chosen category reaches. */
	to = $state<string | null>(null);
	inputs = $state.raw<PriorityInputs | null>(null);
	status = $state<'loading' | 'ready' | 'error'>('loading');
	intervals = $state.raw<RankIntervals | null>(null);

	readonly data = $derived(
		this.inputs ? normaliseIndicators(this.inputs.indicators, this.inputs.codes.length) : null
	);
	readonly scores = $derived(this.data ? priorityScores(this.data, this.weights) : null);
	readonly flags = $derived(
		this.inputs
			? underReportingFlags(
					this.inputs.lens.reportRate,
					this.inputs.lens.trustPolice,
					this.inputs.lens.trustProsecutors
				)
			: null
	);
	readonly #indexOf: ReadonlyMap<string, number> = $derived(positions(this.inputs?.codes ?? []));
	readonly ranked = $derived(this.scores ? Array.from(this.scores.rank).filter((r) => r > 0).length : 0);
	readonly rows = $derived.by((): RankingRow[] => {
		const inputs = this.inputs;
		const scores = this.scores;
		if (!inputs || !scores) return [];
		const intervals = this.intervals;
		return inputs.codes.map((code, i) => ({
			index: i,
			code,
			name: inputs.names[i]!,
			department: inputs.departments[i]!,
			score: Number.isNaN(scores.score[i]!) ? null : scores.score[i]!,
			rank: scores.rank[i]!,
			best: intervals && intervals.best[i]! > 0 ? intervals.best[i]! : null,
			worst: intervals && intervals.worst[i]! > 0 ? intervals.worst[i]! : null,
			coverage: scores.coverage[i]!,
			underReporting: this.flags?.[i] ?? false
		}));
	});

	#controller: AbortController | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;

	applyPreset(preset: Preset) {
		this.categories = [...preset.categories];
		this.weights = { ...preset.weights };
	}

	/** Map class of a municipality: its rank quintile, 4 = the top fifth; no data when unranked. */
	classOf(code: string): MapClass {
		const i = this.#indexOf.get(code) ?? -1;
		const rank = i >= 0 ? (this.scores?.rank[i] ?? 0) : 0;
		if (rank === 0 || this.ranked === 0) return 'no-data';
		return 4 - Math.min(4, Math.floor(((rank - 1) / this.ranked) * 5));
	}

	async load(categories: readonly CategoryId[], to: string | null): Promise<void> {
		this.#controller?.abort();
		if (categories.length === 0) {
			this.inputs = null;
			this.status = 'ready';
			return;
		}
		const controller = new AbortController();
		this.#controller = controller;
		this.status = 'loading';
		try {
			const query = { category: categories.join(','), ...(to ? { to } : {}) };
			const inputs = await read(
				api.api.analysis['priority-inputs'].$get({ query }, { init: { signal: controller.signal } })
			);
			if (controller.signal.aborted) return;
			this.inputs = inputs;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted || isAbort(error)) return;
			console.error(error);
			this.status = 'error';
		}
	}

	/** Recomputes the rank intervals once the weights have been still for 250 ms. */
	scheduleIntervals() {
		const data = this.data;
		const weights = { ...this.weights };
		if (this.#timer) clearTimeout(this.#timer);
		this.intervals = null;
		if (!data) return;
		this.#timer = setTimeout(() => (this.intervals = rankIntervals(data, weights)), 250);
	}

	destroy() {
		this.#controller?.abort();
		if (this.#timer) clearTimeout(this.#timer);
	}
}
