import { api, isAbort, read, type SurveyWaves, type TrustEstimate } from '$lib/api';
import type { Classification } from '$lib/domain/classify';
import { classOf as classOfValue } from '$lib/domain/classify';
import type { MapClass } from '$lib/map/thematic';
import type { TrustChoice, TrustMeasure } from './view.svelte';

/**
 * The trust layer: the leaders' panel estimates per municipality for one provider (or the index,
 * or perceived rural safety) and one wave. Fixed class bounds on the answer scale, so that maps of
 * different months compare: a mean of 3 is "some trust" in every month.
 */

export type { TrustEstimate };

export const MEAN_CLASSES: Classification = { breaks: [2, 2.5, 3, 3.5, 4], min: 1, max: 5, classCount: 6 };
export const SHARE_CLASSES: Classification = {
	breaks: [0.2, 0.35, 0.5, 0.65, 0.8],
	min: 0,
	max: 1,
	classCount: 6
};

export class TrustLayer {
	waves = $state.raw<SurveyWaves | null>(null);
	status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
	estimates = $state.raw<Readonly<Record<string, TrustEstimate>>>({});
	month = $state<string | null>(null);
	measure = $state<TrustMeasure>('mean');
	#controller: AbortController | null = null;

	async init(): Promise<void> {
		this.waves = await read(api.api.surveys.waves.$get()).catch(() => null);
	}

	get classification(): Classification {
		return this.measure === 'share' ? SHARE_CLASSES : MEAN_CLASSES;
	}

	async load(choice: TrustChoice): Promise<void> {
		this.#controller?.abort();
		if (!choice.target || !this.waves?.to) {
			this.status = 'idle';
			return;
		}
		const controller = new AbortController();
		this.#controller = controller;
		const month = choice.month ?? this.waves.to;
		this.status = 'loading';
		try {
			const query = {
				provider: choice.target,
				month,
				measure: choice.measure === 'share' ? 'share' : 'mean'
			} as const;
			const body = await read(
				api.api.surveys.municipalities.$get({ query }, { init: { signal: controller.signal } })
			);
			if (controller.signal.aborted) return;
			this.estimates = Object.fromEntries(body.values.map((v) => [v.code, v]));
			this.month = month;
			this.measure = choice.measure;
			this.status = 'ready';
		} catch (error) {
			if (!controller.signal.aborted && !isAbort(error)) this.status = 'error';
		}
	}

	/** The value shown: the estimate, or on the shrunk measure the mean shrunk towards the department's. */
	valueOf(code: string): number | null {
		const e = this.estimates[code];
		if (!e || 'withheld' in e || !e.interval) return null;
		return this.measure === 'shrunk' ? e.shrunk : e.interval.estimate;
	}

	/** The legend class of a municipality: no data outside the panel, withheld under 10 answers. */
	classOf(code: string): MapClass {
		if (!this.estimates[code]) return 'no-data';
		const value = this.valueOf(code);
		return value === null ? 'suppressed' : classOfValue(value, this.classification.breaks);
	}

	destroy(): void {
		this.#controller?.abort();
	}
}
