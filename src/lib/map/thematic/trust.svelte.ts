import { formatClassLabels } from '$lib/domain/classify';
import { QUESTIONNAIRE } from '$lib/domain/questionnaire';
import { formatNumber, intlLocale, translator, type Locale } from '$lib/i18n';
import { trustPalette } from '$lib/map/palette';
import type { TrustLayer } from '$lib/state/trust.svelte';
import type { TrustChoice } from '$lib/state/view.svelte';
import {
	classKeyOf,
	marksIn,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/** Trust from the leaders' panel: fixed classes on the answer scale, on a diverging ramp (RdYlBu). */
export class TrustMap implements ThematicLayer {
	readonly id = 'trust';
	readonly colours: readonly string[] = trustPalette();
	readonly #trust: TrustLayer;
	readonly #choice: () => TrustChoice;
	readonly #codes: () => readonly string[];
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));

	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(
		trust: TrustLayer,
		choice: () => TrustChoice,
		codes: () => readonly string[],
		locale: () => Locale
	) {
		this.#trust = trust;
		this.#choice = choice;
		this.#codes = codes;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		return this.#trust.classOf(code);
	}

	tooltip(code: string): TooltipLine[] {
		const t = this.#t;
		const locale = this.#locale();
		const trust = this.#trust;
		const e = trust.estimates[code];
		if (!e) return [t('trust.legend.outside')];
		if (!e.interval) return [t('trust.legend.withheld')];
		const { estimate, low, high } = e.interval;
		if (trust.measure === 'share')
			return [
				`${formatNumber(estimate * 100, locale)} % (${formatNumber(low * 100, locale)}–${formatNumber(high * 100, locale)} %) · ${t('trust.demo')}`
			];
		if (trust.measure === 'shrunk')
			return [
				`${formatNumber(trust.valueOf(code) ?? 0, locale, 2)} (${t('trust.measure.shrunk')}) · ${t('trust.demo')}`
			];
		return [
			`${formatNumber(estimate, locale, 2)} (${formatNumber(low, locale, 2)}–${formatNumber(high, locale, 2)}) · ${t('trust.demo')}`
		];
	}

	readonly legend: LegendModel = $derived.by(() => {
		const t = this.#t;
		const locale = this.#locale();
		const trust = this.#trust;
		const target = this.#choice().target;
		const name =
			target === 'index'
				? t('trust.index')
				: target === 'rural-safety'
					? t('trust.ruralSafety')
					: (QUESTIONNAIRE.providers.find((p) => p.id === target)?.label[locale] ?? target ?? '');
		const marks = marksIn(this.classKey);
		return {
			title: `${name}, ${trust.month ?? ''}`,
			unit: {
				text: t(
					trust.measure === 'share'
						? 'trust.legend.share'
						: trust.measure === 'shrunk'
							? 'trust.legend.shrunk'
							: 'trust.legend.mean'
				)
			},
			classes: formatClassLabels(trust.classification, intlLocale(locale)).map((label, i) => ({
				colour: this.colours[i]!,
				label
			})),
			suppressed: marks.suppressed ? t('trust.legend.withheld') : undefined,
			noData: marks.noData ? t('legend.noData') : undefined,
			method: t('trust.legend.classes'),
			notes: trust.waves?.demo ? [t('trust.demo')] : [],
			sources: [t('trust.source')]
		};
	});

	readonly status: LayerStatus = $derived.by(() => {
		const state = this.#trust.status;
		const t = this.#t;
		return {
			state,
			text: state === 'loading' ? t('issues.loading') : state === 'error' ? t('map.error') : ''
		};
	});
}
