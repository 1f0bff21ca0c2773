import { formatNumber, translator, type Locale, type MessageKey } from '$lib/i18n';
import { EHSA_CLASSES, type EmergingState } from '$lib/state/emerging-hot-spots.svelte';
import {
	classKeyOf,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/** Emerging hot spots of one issue: ArcGIS's 17 patterns, hot in reds and cold in blues. */
export class EmergingMap implements ThematicLayer {
	readonly id = 'emerging-hot-spots';
	readonly colours: readonly string[] = EHSA_CLASSES.map((c) => c.colour);
	readonly #state: EmergingState;
	readonly #codes: () => readonly string[];
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));

	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(state: EmergingState, codes: () => readonly string[], locale: () => Locale) {
		this.#state = state;
		this.#codes = codes;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		return this.#state.classOf(code);
	}

	/** The municipality's pattern and the p-value of its trend; nothing outside the analysis. */
	tooltip(code: string): TooltipLine[] {
		const v = this.#state.byCode.get(code);
		if (!v) return [];
		const t = this.#t;
		const p =
			v.trend?.p != null ? ` · ${t('cluster.p', { p: formatNumber(v.trend.p, this.#locale(), 3) })}` : '';
		return [`${t(`ehsa.${v.category}` as MessageKey)}${p}`];
	}

	/** The patterns that occur, with how many municipalities each; no pattern always shown. */
	readonly legend: LegendModel = $derived.by(() => {
		const { result, counts } = this.#state;
		const t = this.#t;
		const title = t('cluster.view.emerging-hot-spots');
		if (!result) return { title, classes: [], notes: [], sources: [] };
		const first = result.steps[0];
		const last = result.steps.at(-1);
		return {
			title,
			classes: EHSA_CLASSES.filter((c) => c.id === 'no-pattern' || (counts[c.id] ?? 0) > 0).map((c) => ({
				colour: c.colour,
				label: `${t(`ehsa.${c.id}` as MessageKey)} (${counts[c.id] ?? 0})`
			})),
			noData: `${t('ehsa.no-data')} (${counts['no-data'] ?? 0})`,
			notes: [
				t('ehsa.note', {
					from: first?.from ?? result.window.from,
					to: last?.to ?? result.window.to,
					steps: result.steps.length,
					alpha: result.alpha
				}),
				...(result.skippedSteps.length > 0 ? [t('ehsa.skipped', { count: result.skippedSteps.length })] : [])
			],
			sources: []
		};
	});

	readonly status: LayerStatus = $derived.by(() => {
		const state = this.#state.status;
		const t = this.#t;
		return {
			state,
			text: state === 'loading' ? t('cluster.loading') : state === 'error' ? t('cluster.error') : ''
		};
	});
}
