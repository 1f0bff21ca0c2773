import { api, isAbort, read, type AreaValue, type Extent, type StatsAnswer } from '$lib/api';
import { classify, classOf as classOfValue, type Classification } from '$lib/domain/classify';
import { gridGrain, lastWholeYear, monthIndex } from '$lib/domain/monthly-cube';
import type { MapClass } from '$lib/map/thematic';
import { PublicRules, type PublicChoice } from './public-rules';
import type { IssueChoice } from './view.svelte';

/**
 * The reported-issues layer: what the server publishes for the chosen categories, period and
 * measure, and its classification. The server applies disclosure control; for the public this
 * class asks only what the release's dictionary says is published (`PublicRules`) and shows the
 * period, geography and measure of the server's answer, never its own idea of them.
 */

export type { Extent, StatsAnswer };

export type AreaFigure = Pick<AreaValue, 'value' | 'count' | 'suppressed'>;

export type IssueStatus = 'idle' | 'loading' | 'ready' | 'error' | 'not-public';

/** The period actually shown, and whether it differs from the one asked for. */
export type EffectivePeriod = { from: string; to: string; snapped: boolean; label: string };

/**
 * The years the sources of some categories cover, for the picker: "2010–2025", "2019" for one
 * year, "" without data. Gaps inside (e.g. threats 2021–2022) are named by the legend and panel.
 */
export function coveredYears(extent: Extent | null, categories: readonly string[]): string {
	const ranges = categories.map((c) => extent?.categories[c]).filter((r) => r !== undefined);
	if (ranges.length === 0) return '';
	const from = ranges.map((r) => r.from.slice(0, 4)).sort()[0]!;
	const to = ranges
		.map((r) => r.to.slice(0, 4))
		.sort()
		.at(-1)!;
	return from === to ? from : `${from}–${to}`;
}

/**
 * The period asked for: the choice (in order), or without one the last whole year with data of
 * the chosen categories; null when they have no data.
 */
export function requestedPeriod(
	choice: Pick<IssueChoice, 'from' | 'to'>,
	extent: Extent | null,
	categories: readonly string[]
): { from: string; to: string } | null {
	const ranges = categories.map((c) => extent?.categories[c]).filter((r) => r !== undefined);
	if (ranges.length === 0) return null;
	const last = ranges
		.map((r) => r.to)
		.sort()
		.at(-1)!;
	const lastYear = lastWholeYear(last);
	let from = choice.from ?? `${lastYear}-01`;
	let to = choice.to ?? `${lastYear}-12`;
	if (monthIndex(to) < monthIndex(from)) [from, to] = [to, from];
	return { from, to };
}

/**
 * A period of categories all counted by year, widened to the whole years it touches: a yearly
 * source enters a window by whole years only, so "2023-01" of coca is 2023 (and says it moved).
 */
export function wholeYearsIfYearly(
	period: { from: string; to: string },
	categories: readonly string[],
	yearly: readonly string[]
): { from: string; to: string } {
	if (categories.length === 0 || !categories.every((c) => yearly.includes(c))) return period;
	return { from: `${period.from.slice(0, 4)}-01`, to: `${period.to.slice(0, 4)}-12` };
}

/** "2020", "2020-T2", "2020-03", or "2020-02 – 2020-05" for a range off the grid. */
export function periodLabel(from: string, to: string): string {
	const grain = gridGrain(monthIndex(from), monthIndex(to));
	if (grain === 'year') return from.slice(0, 4);
	if (grain === 'quarter') return `${from.slice(0, 4)}-T${Math.floor((monthIndex(from) % 12) / 3) + 1}`;
	if (grain === 'month') return from;
	return `${from} – ${to}`;
}

export class IssueLayer {
	extent = $state.raw<Extent | null>(null);
	role = $state<string | null>(null);
	/** What the public may ask (null for signed-in roles, who may ask any period and set). */
	rules = $state.raw<PublicRules | null>(null);
	status = $state<IssueStatus>('idle');
	message = $state<string | null>(null);
	/** Figures per municipality (or per department, see `geography`); replaced whole, never mutated. */
	figures = $state.raw<Readonly<Record<string, AreaFigure>>>({});
	geography = $state<'municipality' | 'department'>('municipality');
	classification = $state.raw<Classification | null>(null);
	answer = $state.raw<StatsAnswer | null>(null);
	/** The period of the answer shown (`snapped` when the public's grid moved the one chosen). */
	period = $state.raw<EffectivePeriod | null>(null);

	#controller: AbortController | null = null;

	/** Exact figures: signed-in roles but reporters, who see the public's (issue 18). */
	get restricted(): boolean {
		return this.role !== null && this.role !== 'reporter';
	}

	/** The public choice of a set of categories (null for signed-in roles, or a set not public). */
	publicChoice(categories: readonly string[]): PublicChoice | null {
		return this.restricted ? null : (this.rules?.choiceOf(categories) ?? null);
	}

	/**
	 * Whether a municipality's monthly series may be asked for: always by signed-in roles; by the
	 * public when the release publishes the choice per municipality and per month.
	 */
	monthlySeries(categories: readonly string[]): boolean {
		if (this.restricted) return true;
		const choice = this.publicChoice(categories);
		return choice !== null && choice.geography === 'municipality' && choice.grains.includes('month');
	}

	/** The extent, who is asking and, for the public, the release's rules; the rules only if needed. */
	async init(): Promise<void> {
		const [extent, me] = await Promise.all([
			read(api.api.stats.extent.$get()).catch(() => null),
			read(api.api.auth.me.$get()).catch(() => null)
		]);
		const role = me?.user?.role ?? null;
		const publicView = role === null || role === 'reporter';
		const dictionary = publicView ? await read(api.api.public.dictionary.$get()).catch(() => null) : null;
		this.role = role;
		this.rules = dictionary ? new PublicRules(dictionary, extent?.yearly ?? []) : null;
		this.extent = extent;
	}

	/** Loads the figures of a choice; a newer call cancels an older one. */
	async load(choice: IssueChoice): Promise<void> {
		this.#controller?.abort();
		if (choice.categories.length === 0 || !this.extent || (!this.restricted && !this.rules)) {
			this.status = 'idle';
			return;
		}
		const controller = new AbortController();
		this.#controller = controller;
		const requested = requestedPeriod(choice, this.extent, choice.categories);
		if (!requested) {
			this.status = 'ready';
			this.period = null;
			this.figures = {};
			this.classification = null;
			this.answer = null;
			return;
		}
		let asked = wholeYearsIfYearly(requested, choice.categories, this.extent.yearly);
		let geography: 'municipality' | 'department' = 'municipality';
		if (!this.restricted) {
			const publicChoice = this.publicChoice(choice.categories);
			if (!publicChoice) {
				// Only a hand-made address gets here: the picker offers public choices only.
				this.status = 'not-public';
				this.message = null;
				return;
			}
			asked = this.rules!.periodOf(publicChoice, requested.from, requested.to);
			geography = publicChoice.geography;
		}
		// The departments route has no smoothed rate (smoothing borrows from neighbouring
		// municipalities); the answer says which measure it is.
		const measure =
			geography === 'department' && choice.measure === 'smoothed_rate' ? 'rate' : choice.measure;
		const query = { category: choice.categories.join(','), from: asked.from, to: asked.to, measure };
		const init = { init: { signal: controller.signal } };
		this.status = 'loading';
		try {
			const answer = await read(
				geography === 'department'
					? api.api.stats.departments.$get({ query }, init)
					: api.api.stats.municipalities.$get({ query }, init)
			);
			if (controller.signal.aborted) return;
			this.figures = Object.fromEntries(
				answer.values.map((v) => [v.code, { value: v.value, count: v.count, suppressed: v.suppressed }])
			);
			this.geography = geography;
			this.answer = answer;
			this.period = {
				from: answer.from,
				to: answer.to,
				snapped: answer.from !== requested.from || answer.to !== requested.to,
				label: periodLabel(answer.from, answer.to)
			};
			this.classification = classify(
				answer.values.map((v) => v.value).filter((v): v is number => v !== null),
				choice.method
			);
			this.message = null;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted || isAbort(error)) return;
			this.message = error instanceof Error ? error.message : String(error);
			this.status = 'error';
		}
	}

	/** The figure of a municipality (its department's, on the department layer). */
	figureOf(code: string): AreaFigure | null {
		return this.figures[this.geography === 'department' ? code.slice(0, 2) : code] ?? null;
	}

	/** The legend class of a municipality (its department's, on the department layer). */
	classOf(code: string): MapClass {
		const figure = this.figureOf(code);
		if (!figure) return 'no-data';
		if (figure.suppressed) return 'suppressed';
		if (figure.value === null || !this.classification) return 'no-data';
		return classOfValue(figure.value, this.classification.breaks);
	}

	destroy(): void {
		this.#controller?.abort();
	}
}
