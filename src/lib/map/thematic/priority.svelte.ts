import { formatNumber, translator, type Locale } from '$lib/i18n';
import { issuePalette } from '$lib/map/palette';
import { byKey } from '$lib/state/lookup';
import type { PriorityState } from '$lib/state/priorities.svelte';
import {
	classKeyOf,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/** The planners' priority index: rank quintiles on the warm ramp, the top fifth darkest. */
export class PriorityMap implements ThematicLayer {
	readonly id = 'priority';
	readonly colours: readonly string[] = issuePalette(5);
	readonly #priority: PriorityState;
	readonly #codes: () => readonly string[];
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));
	readonly #rows = $derived.by(() => byKey(this.#priority.rows, (r) => r.code));

	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(priority: PriorityState, codes: () => readonly string[], locale: () => Locale) {
		this.#priority = priority;
		this.#codes = codes;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		return this.#priority.classOf(code);
	}

	tooltip(code: string): TooltipLine[] {
		const t = this.#t;
		const row = this.#rows.get(code);
		if (!row || row.score === null) return [t('priority.unranked')];
		return [
			`${t('priority.table.rank')} ${row.rank} · ${t('priority.table.score')} ${formatNumber(row.score, this.#locale(), 3)}`
		];
	}

	/** Highest quintile first, labelled at both ends. */
	readonly legend: LegendModel = $derived.by(() => {
		const t = this.#t;
		const last = this.colours.length - 1;
		return {
			title: t('priority.legend.title'),
			classes: [...this.colours].reverse().map((colour, i) => ({
				colour,
				label: i === 0 ? t('priority.legend.q5') : i === last ? t('priority.legend.q1') : ''
			})),
			noData: t('priority.legend.unranked'),
			notes: [],
			sources: []
		};
	});

	readonly status: LayerStatus = $derived.by(() => {
		const t = this.#t;
		const priority = this.#priority;
		if (priority.status === 'loading') return { state: 'loading', text: t('priority.loading') };
		if (priority.status === 'error') return { state: 'error', text: t('priority.error') };
		if (priority.categories.length === 0) return { state: 'empty', text: t('priority.nothing') };
		return { state: 'ready', text: '' };
	});
}
