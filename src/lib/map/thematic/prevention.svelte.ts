import { schemeBuGn } from 'd3-scale-chromatic';
import { formatNumber, translator, type Locale } from '$lib/i18n';
import type { PreventionEntry, PreventionIndex } from '$lib/state/prevention-map.svelte';
import {
	classKeyOf,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/**
 * Dialogues held, no commitment recorded yet: a mid violet off the green ramp, darker than the
 * no-data grey (#c9ced4) so that these municipalities stand out on a national view.
 */
const NO_COMMITMENTS = '#9e9ac8';

/**
 * The public prevention map (/publico): the municipalities where dialogues were held (or a
 * prevention booklet was written), coloured by the share of the institutions' commitments made
 * there that are done, in four fixed quarters on ColorBrewer BuGn (green: more done), plus one
 * class for "no commitments recorded yet". Every other municipality — and, with an issue chosen,
 * those that did not name it — is outside the layer (the no-data grey). All from the release.
 */
export class PreventionMap implements ThematicLayer {
	readonly id = 'prevention';
	readonly colours: readonly string[] = [NO_COMMITMENTS, ...(schemeBuGn[5] as readonly string[]).slice(1)];
	readonly #index: () => PreventionIndex;
	readonly #shown: () => ReadonlyMap<string, unknown>;
	readonly #byCode: () => ReadonlyMap<string, PreventionEntry>;
	readonly #codes: () => readonly string[];
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));

	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(
		index: () => PreventionIndex,
		byCode: () => ReadonlyMap<string, PreventionEntry>,
		shown: () => ReadonlyMap<string, unknown>,
		codes: () => readonly string[],
		locale: () => Locale
	) {
		this.#index = index;
		this.#byCode = byCode;
		this.#shown = shown;
		this.#codes = codes;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		const entry = this.#byCode().get(code);
		if (!entry || !this.#shown().has(code)) return null;
		return commitmentClass(entry.commitments);
	}

	tooltip(code: string): TooltipLine[] {
		const t = this.#t;
		const entry = this.#byCode().get(code);
		if (!entry) return [t('prevention.none')];
		const lines: TooltipLine[] = [commitmentText(entry.commitments, t, this.#locale())];
		if (entry.issues.length > 0) lines.push(entry.issues.map((i) => i.label[this.#locale()]).join(' · '));
		return lines;
	}

	readonly legend: LegendModel = $derived.by(() => {
		const t = this.#t;
		const { release, rules } = this.#index();
		const small = `${rules.smallCell.min}–${rules.smallCell.max}`;
		return {
			title: t('prevention.legend.title'),
			unit: { text: t('prevention.legend.unit') },
			classes: [
				{ colour: this.colours[0]!, label: t('prevention.legend.noCommitments') },
				...['0–24 %', '25–49 %', '50–74 %', '75–100 %'].map((label, i) => ({
					colour: this.colours[i + 1]!,
					label
				}))
			],
			noData: t('prevention.legend.outside'),
			notes: [
				t('prevention.legend.release', { version: release }),
				t('prevention.legend.ruleShort', { small, max: rules.perturbation.maxAbs })
			],
			sources: [t('prevention.legend.source')]
		};
	});

	readonly status: LayerStatus = { state: 'ready', text: '' };
}

/** The legend class of a share of commitments done: 0 none recorded, then quarters 1–4. */
export function commitmentClass(commitments: PreventionEntry['commitments']): number {
	if (commitments.total === 0 || commitments.shareDone === null) return 0;
	return 1 + Math.min(3, Math.floor(commitments.shareDone * 4));
}

/** "50 % de 4 compromisos cumplidos", or that none is recorded yet. */
export function commitmentText(
	commitments: PreventionEntry['commitments'],
	t: ReturnType<typeof translator>,
	locale: Locale
): string {
	if (commitments.total === 0 || commitments.shareDone === null) return t('public.noCommitments');
	return t('public.commitmentsDone', {
		share: formatNumber(commitments.shareDone * 100, locale),
		total: commitments.total
	});
}
