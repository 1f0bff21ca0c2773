import { formatNumber, translator, type Locale, type MessageKey } from '$lib/i18n';
import { CLUSTER_CLASSES, isClusterKind, type ClusterState } from '$lib/state/clusters.svelte';
import {
	classKeyOf,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/** LISA clusters or Gi* hot and cold spots of one issue (GeoDa's conventional colours). */
export class ClusterMap implements ThematicLayer {
	readonly id = 'clusters';
	readonly #clusters: ClusterState;
	readonly #codes: () => readonly string[];
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));

	readonly colours: readonly string[] = $derived.by(() =>
		isClusterKind(this.#clusters.view) ? CLUSTER_CLASSES[this.#clusters.view].map((c) => c.colour) : []
	);
	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(clusters: ClusterState, codes: () => readonly string[], locale: () => Locale) {
		this.#clusters = clusters;
		this.#codes = codes;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		return this.#clusters.classOf(code);
	}

	/** The municipality's cluster and its pseudo p-value; nothing outside the analysis. */
	tooltip(code: string): TooltipLine[] {
		const v = isClusterKind(this.#clusters.view) ? this.#clusters.byCode.get(code) : undefined;
		if (!v) return [];
		const t = this.#t;
		const p = v.p !== null ? ` · ${t('cluster.p', { p: formatNumber(v.p, this.#locale(), 3) })}` : '';
		return [`${t(`cluster.${v.cluster}` as MessageKey)}${p}`];
	}

	/** Each class with how many municipalities fall in it; null on the index view. */
	readonly legend: LegendModel | null = $derived.by(() => {
		const { view, result, counts } = this.#clusters;
		if (!isClusterKind(view)) return null;
		const t = this.#t;
		const title = t(`cluster.view.${view}`);
		if (!result) return { title, classes: [], notes: [], sources: [] };
		return {
			title,
			classes: CLUSTER_CLASSES[view].map((c) => ({
				colour: c.colour,
				label: `${t(`cluster.${c.id}` as MessageKey)} (${counts[c.id] ?? 0})`
			})),
			noData: `${t('cluster.no-neighbours')} / ${t('cluster.no-data')} (${(counts['no-neighbours'] ?? 0) + (counts['no-data'] ?? 0)})`,
			notes: [
				t('cluster.note', {
					from: result.window.from,
					to: result.window.to,
					permutations: result.permutations,
					seed: String(result.seed),
					alpha: result.alpha
				}) + (result.fdr ? ' FDR (Benjamini-Hochberg).' : '')
			],
			sources: []
		};
	});

	readonly status: LayerStatus = $derived.by(() => {
		const state = this.#clusters.status;
		const t = this.#t;
		return {
			state,
			text: state === 'loading' ? t('cluster.loading') : state === 'error' ? t('cluster.error') : ''
		};
	});
}
