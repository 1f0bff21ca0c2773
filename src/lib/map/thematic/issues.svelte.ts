import { categoryById } from '$lib/domain/categories';
import { formatClassLabels } from '$lib/domain/classify';
import { formatNumber, intlLocale, translator, type Locale } from '$lib/i18n';
import { issuePalette } from '$lib/map/palette';
import type { IssueLayer } from '$lib/state/issues.svelte';
import type { IssueChoice } from '$lib/state/view.svelte';
import {
	classKeyOf,
	marksIn,
	type LayerStatus,
	type LegendModel,
	type MapClass,
	type ThematicLayer,
	type TooltipLine
} from '.';

/** Reported issues: the figures of the chosen categories and period, on the warm ramp (YlOrRd). */
export class IssueMap implements ThematicLayer {
	readonly id = 'issues';
	readonly #issues: IssueLayer;
	readonly #choice: () => IssueChoice;
	readonly #codes: () => readonly string[];
	readonly #locale: () => Locale;
	readonly #t = $derived.by(() => translator(this.#locale()));
	/** "víctimas", "casos"…: the unit the server counted in. */
	readonly #unit = $derived.by(() =>
		this.#issues.answer ? this.#t(`issues.unit.${this.#issues.answer.unit}`) : ''
	);

	readonly colours: readonly string[] = $derived.by(() =>
		this.#issues.classification ? issuePalette(this.#issues.classification.classCount) : []
	);
	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(
		issues: IssueLayer,
		choice: () => IssueChoice,
		codes: () => readonly string[],
		locale: () => Locale
	) {
		this.#issues = issues;
		this.#choice = choice;
		this.#codes = codes;
		this.#locale = locale;
	}

	classOf(code: string): MapClass {
		return this.#issues.classOf(code);
	}

	tooltip(code: string): TooltipLine[] {
		const t = this.#t;
		const locale = this.#locale();
		const figure = this.#issues.figureOf(code);
		const measure = this.#issues.answer?.measure ?? 'count';
		if (!figure) return [t('legend.noData')];
		if (figure.suppressed) return [`${figure.suppressed} ${this.#unit}`];
		if (figure.value === null) return [t('legend.noData')];
		return [
			measure === 'count'
				? `${formatNumber(figure.value, locale, 1)} ${this.#unit}`
				: `${formatNumber(figure.value, locale, 1)} ${t(`issues.legend.${measure}`)}`
		];
	}

	readonly legend: LegendModel = $derived.by(() => {
		const t = this.#t;
		const locale = this.#locale();
		const choice = this.#choice();
		const { answer, period, classification, extent } = this.#issues;
		// The public's group of every non-sensitive category is named as one, not as a long sum.
		const group = this.#issues.publicChoice(choice.categories);
		const names =
			group && group.categories.length > 1
				? group.label[locale]
				: choice.categories.map((c) => categoryById(c).label[locale]).join(' + ');
		const sources = choice.categories
			.flatMap((c) => extent?.attributions[c] ?? [])
			.filter((source, i, all) => all.indexOf(source) === i);
		// No period: none of the chosen categories has figures (e.g. a shared link on a new install).
		if (!period) return { title: names, classes: [], notes: [], sources };
		const measure = answer?.measure ?? choice.measure;
		const where = this.#issues.geography === 'department' ? `, ${t('issues.legend.byDepartment')}` : '';
		const labels = classification ? formatClassLabels(classification, intlLocale(locale)) : [];
		const marks = marksIn(this.classKey);
		return {
			title: `${names}, ${period.label}${where}`,
			unit: {
				text:
					measure === 'count' ? `${t('issues.legend.count')} (${this.#unit})` : t(`issues.legend.${measure}`)
			},
			classes: labels.map((label, i) => ({ colour: this.colours[i]!, label })),
			suppressed: marks.suppressed ? t('issues.suppressed') : undefined,
			noData: marks.noData ? t('legend.noData') : undefined,
			method: t(`issues.legend.classes.${choice.method}`),
			notes: [
				...(answer?.total != null
					? [`${t('issues.total', { total: formatNumber(answer.total, locale, 1) })} ${this.#unit}`]
					: []),
				// A period its sources cover in part says so first ("Cubre enero–mayo de 2025 (5 de 12
				// meses)"), and a rate names its denominator's caveats (projection used, bases).
				...(answer?.coverage.note ? [answer.coverage.note[locale]] : []),
				...(answer && answer.measure !== 'count' && answer.denominator.text
					? [answer.denominator.text[locale]]
					: [])
			],
			sources
		};
	});

	readonly status: LayerStatus = $derived.by(() => {
		const issues = this.#issues;
		if (issues.status === 'loading') return { state: 'loading', text: this.#t('issues.loading') };
		if (issues.status === 'error')
			return { state: 'error', text: this.#t('issues.error', { message: issues.message ?? '' }) };
		if (issues.status === 'not-public') return { state: 'error', text: this.#t('issues.notPublic') };
		if (issues.status === 'ready' && !issues.period) return { state: 'empty', text: '' };
		return { state: issues.status, text: '' };
	});
}
