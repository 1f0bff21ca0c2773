import { formatClassLabels } from '$lib/domain/classify';
import { formatDensity, intlLocale, translator, type Locale } from '$lib/i18n';
import { sequentialPalette } from '$lib/map/palette';
import type { Atlas } from '$lib/state/atlas.svelte';
import {
	classKeyOf,
	marksIn,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/** Population density, 2018 (the map's default layer): the atlas's own quantile classes. */
export class DensityMap implements ThematicLayer {
	readonly id = 'density';
	readonly #atlas: Atlas;
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));

	readonly colours: readonly string[] = $derived.by(() =>
		this.#atlas.classification ? sequentialPalette(this.#atlas.classification.classCount) : []
	);
	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#atlas.codes, (code) => this.classOf(code), this.colours)
	);

	constructor(atlas: Atlas, locale: () => Locale) {
		this.#atlas = atlas;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		return this.#atlas.densityClassOf(code);
	}

	tooltip(code: string): TooltipLine[] {
		const density = this.#atlas.propertiesOf(code)?.density ?? null;
		if (density === null) return [this.#t('legend.noData')];
		return [{ figure: formatDensity(density, this.#locale()), unit: this.#t('indicator.densityUnit') }];
	}

	readonly legend: LegendModel = $derived.by(() => {
		const t = this.#t;
		const classification = this.#atlas.classification;
		const labels = classification ? formatClassLabels(classification, intlLocale(this.#locale())) : [];
		return {
			title: t('indicator.density'),
			unit: { text: t('indicator.densityUnit'), long: t('indicator.densityUnitLong') },
			classes: labels.map((label, i) => ({ colour: this.colours[i]!, label })),
			noData: marksIn(this.classKey).noData ? t('legend.noData') : undefined,
			method: t('legend.classes'),
			notes: [],
			sources: [t('legend.source')]
		};
	});

	readonly status: LayerStatus = $derived.by(() => {
		const t = this.#t;
		switch (this.#atlas.status) {
			case 'loading':
				return { state: 'loading', text: t('map.loading') };
			case 'missing':
				return { state: 'empty', text: t('map.missing') };
			case 'error':
				return { state: 'error', text: t('map.error') };
			default:
				return { state: 'ready', text: '' };
		}
	});
}
