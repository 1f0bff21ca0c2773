import { replaceState } from '$app/navigation';
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import { isCategoryId, type CategoryId } from '$lib/domain/categories';
import type { ClassMethod } from '$lib/domain/classify';
import { parseMunicipalityCode } from '$lib/domain/divipola';
import { parseLocale, type Locale } from '$lib/i18n';

/**
 * What the user is looking at, mirrored in the URL so that a view can be shared or bookmarked:
 * `?m=52835` selects San Andrés de Tumaco, `lang=en` switches to English (Spanish is the default
 * and is left out of the URL).
 *
 * Changes are written with `replaceState`: selecting municipalities one after another would
 * otherwise fill the history, and Back should leave the map rather than step through every
 * click. Real navigations (a link, Back/Forward between documents) are read back with `readUrl`.
 */
export type Measure = 'count' | 'rate' | 'smoothed_rate';

/** The issue layer's choices: no category means the population-density map. */
export type IssueChoice = {
	categories: CategoryId[];
	from: string | null;
	to: string | null;
	measure: Measure;
	method: ClassMethod;
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function parseIssueChoice(params: URLSearchParams): IssueChoice {
	const categories = (params.get('c') ?? '')
		.split(',')
		.filter((id, i, all): id is CategoryId => isCategoryId(id) && all.indexOf(id) === i);
	const month = (value: string | null) => (value && MONTH.test(value) ? value : null);
	const measure = params.get('measure');
	return {
		categories,
		from: month(params.get('from')),
		to: month(params.get('to')),
		measure: measure === 'rate' || measure === 'smoothed_rate' ? measure : 'count',
		method: params.get('cls') === 'jenks' ? 'jenks' : 'quantiles'
	};
}

/** The trust layer's choices (the leaders' panel); `target` null means the layer is off. */
export type TrustChoice = { target: string | null; month: string | null; measure: TrustMeasure };
/** Mean, share trusting (4–5), or the mean shrunk towards the department's (small panels). */
export type TrustMeasure = 'mean' | 'share' | 'shrunk';

export function parseTrustChoice(params: URLSearchParams): TrustChoice {
	const target = params.get('t');
	const month = params.get('tm');
	return {
		target: target && /^[a-z][a-z-]{1,30}$/.test(target) ? target : null,
		month: month && MONTH.test(month) ? month : null,
		measure:
			params.get('tmeasure') === 'share' ? 'share' : params.get('tmeasure') === 'shrunk' ? 'shrunk' : 'mean'
	};
}

export class ViewState {
	locale = $state<Locale>('es');
	trust = $state<TrustChoice>({ target: null, month: null, measure: 'mean' });
	issues = $state<IssueChoice>({
		categories: [],
		from: null,
		to: null,
		measure: 'count',
		method: 'quantiles'
	});
	selectedCode = $state<string | null>(null);
	/** A municipality whose bounding box the map should fit once its facts (and bbox) arrive. */
	fitCode = $state<string | null>(null);

	constructor(url: URL) {
		this.readUrl(url);
	}

	readUrl(url: URL): void {
		this.locale = parseLocale(url.searchParams.get('lang'));
		this.issues = parseIssueChoice(url.searchParams);
		this.trust = parseTrustChoice(url.searchParams);
		const code = parseMunicipalityCode(url.searchParams.get('m') ?? '');
		if (code !== this.selectedCode) this.fitCode = code;
		this.selectedCode = code;
	}

	/** Selects a municipality (null clears); `fit` moves the map to it, e.g. from the search. */
	select(code: string | null, { fit = false }: { fit?: boolean } = {}): void {
		this.selectedCode = code;
		this.fitCode = fit ? code : null;
		this.#writeUrl();
	}

	setIssues(change: Partial<IssueChoice>): void {
		this.issues = { ...this.issues, ...change };
		// One thematic layer at a time: choosing categories turns the trust layer off.
		if (change.categories) this.trust = { ...this.trust, target: null };
		this.#writeUrl();
	}

	setTrust(change: Partial<TrustChoice>): void {
		this.trust = { ...this.trust, ...change };
		if (change.target) this.issues = { ...this.issues, categories: [] };
		this.#writeUrl();
	}

	setLocale(locale: Locale): void {
		this.locale = locale;
		this.#writeUrl();
	}

	/** A link to this view with another municipality selected. */
	hrefFor(code: string): ResolvedPathname {
		return resolve(`/?${viewSearch('', code, this.locale, this.issues, this.trust)}`);
	}

	#writeUrl(): void {
		const search = viewSearch(location.search, this.selectedCode, this.locale, this.issues, this.trust);
		if (`?${search}` === location.search || (search === '' && location.search === '')) return;
		replaceState(search ? resolve(`/?${search}`) : resolve('/'), {});
	}
}

/** The query string of a view, keeping any unrelated parameters of `current`. */
function viewSearch(
	current: string,
	code: string | null,
	locale: Locale,
	issues: IssueChoice,
	trust: TrustChoice
): string {
	const own = new Set(['m', 'lang', 'c', 'from', 'to', 'measure', 'cls', 't', 'tm', 'tmeasure']);
	const kept = [...new URLSearchParams(current)].filter(([key]) => !own.has(key));
	if (issues.categories.length > 0) {
		kept.push(['c', issues.categories.join(',')]);
		if (issues.from) kept.push(['from', issues.from]);
		if (issues.to) kept.push(['to', issues.to]);
		if (issues.measure !== 'count') kept.push(['measure', issues.measure]);
		if (issues.method !== 'quantiles') kept.push(['cls', issues.method]);
	}
	if (trust.target) {
		kept.push(['t', trust.target]);
		if (trust.month) kept.push(['tm', trust.month]);
		if (trust.measure !== 'mean') kept.push(['tmeasure', trust.measure]);
	}
	if (code) kept.push(['m', code]);
	if (locale !== 'es') kept.push(['lang', locale]);
	return new URLSearchParams(kept).toString();
}
