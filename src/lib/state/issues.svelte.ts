import { categoryById, type CategoryId, type Unit } from '$lib/domain/categories';
import { classify, classOf as classOfValue, type Classification } from '$lib/domain/classify';
import { gridGrain, lastWholeYear, monthIndex } from '$lib/domain/monthly-cube';
import type { MapClass } from '$lib/map/thematic';
import type { IssueChoice, Measure } from './view.svelte';

/**
 * The reported-issues layer: what the server publishes for the chosen categories, period and
 * measure, and its classification. The server applies disclosure control; this class only asks
 * for what the caller may see (the public: whole months, quarters or years; sensitive
 * categories per department) and says so, instead of showing an error.
 */

export type Extent = {
	from: string | null;
	to: string | null;
	categories: Record<string, { from: string; to: string }>;
	attributions: Record<string, string[]>;
};

export type AreaFigure = { value: number | null; count: number | null; suppressed?: string };

export type IssueStatus = 'idle' | 'loading' | 'ready' | 'error';

/** The period actually shown, and why it differs from the one asked for. */
export type EffectivePeriod = { from: string; to: string; snapped: boolean; label: string };

export type StatsAnswer = {
	measure: Measure;
	unit: Unit | 'reports';
	total: number | null;
	values: ({ code: string; population: number } & AreaFigure)[];
};

/**
 * The period to show. Without a choice: the last whole year with data. For the public: the
 * choice if it is a cell of the grid, else the whole year of its end (and never a single month
 * for sensitive categories).
 */
export function effectivePeriod(
	choice: Pick<IssueChoice, 'from' | 'to'>,
	extent: Extent | null,
	categories: readonly CategoryId[],
	restricted: boolean
): EffectivePeriod | null {
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
	if (restricted) return { from, to, snapped: false, label: `${from} – ${to}` };
	const sensitive = categories.some((c) => categoryById(c).sensitive);
	const grain = gridGrain(monthIndex(from), monthIndex(to));
	if (grain && !(sensitive && grain === 'month'))
		return { from, to, snapped: false, label: labelOf(from, to, grain) };
	const year = to.slice(0, 4);
	return { from: `${year}-01`, to: `${year}-12`, snapped: true, label: year };
}

function labelOf(from: string, to: string, grain: 'month' | 'quarter' | 'year'): string {
	if (grain === 'year') return from.slice(0, 4);
	if (grain === 'quarter') return `${from.slice(0, 4)}-T${Math.floor((monthIndex(from) % 12) / 3) + 1}`;
	return from;
}

export class IssueLayer {
	extent = $state.raw<Extent | null>(null);
	role = $state<string | null>(null);
	status = $state<IssueStatus>('idle');
	message = $state<string | null>(null);
	/** Figures per municipality (or per department, see `geography`); replaced whole, never mutated. */
	figures = $state.raw<Readonly<Record<string, AreaFigure>>>({});
	geography = $state<'municipality' | 'department'>('municipality');
	classification = $state.raw<Classification | null>(null);
	answer = $state.raw<StatsAnswer | null>(null);
	period = $state.raw<EffectivePeriod | null>(null);

	#controller: AbortController | null = null;

	get restricted(): boolean {
		return this.role !== null;
	}

	async init(): Promise<void> {
		const [extent, me] = await Promise.all([
			fetch('/api/stats/extent').then((r) => (r.ok ? (r.json() as Promise<Extent>) : null)),
			fetch('/api/auth/me').then((r) =>
				r.ok ? (r.json() as Promise<{ user: { role: string } | null }>) : null
			)
		]);
		this.role = me?.user?.role ?? null;
		this.extent = extent;
	}

	/** Loads the figures of a choice; a newer call cancels an older one. */
	async load(choice: IssueChoice): Promise<void> {
		this.#controller?.abort();
		if (choice.categories.length === 0 || !this.extent) {
			this.status = 'idle';
			return;
		}
		const controller = new AbortController();
		this.#controller = controller;
		const period = effectivePeriod(choice, this.extent, choice.categories, this.restricted);
		this.period = period;
		if (!period) {
			this.status = 'ready';
			this.figures = {};
			this.classification = null;
			this.answer = null;
			return;
		}
		const sensitive = choice.categories.some((c) => categoryById(c).sensitive);
		const geography = !this.restricted && sensitive ? 'department' : 'municipality';
		const measure =
			geography === 'department' && choice.measure === 'smoothed_rate' ? 'rate' : choice.measure;
		const params = `category=${choice.categories.join(',')}&from=${period.from}&to=${period.to}&measure=${measure}`;
		this.status = 'loading';
		try {
			const response = await fetch(
				`/api/stats/${geography === 'department' ? 'departments' : 'municipalities'}?${params}`,
				{ signal: controller.signal }
			);
			const body = (await response.json()) as StatsAnswer & { error?: { message: string } };
			if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
			this.figures = Object.fromEntries(
				body.values.map((v) => [v.code, { value: v.value, count: v.count, suppressed: v.suppressed }])
			);
			this.geography = geography;
			this.answer = body;
			this.classification = classify(
				body.values.map((v) => v.value).filter((v): v is number => v !== null),
				choice.method
			);
			this.message = null;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted) return;
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
