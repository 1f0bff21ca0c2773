import { replaceState } from '$app/navigation';
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
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
export class ViewState {
	locale = $state<Locale>('es');
	selectedCode = $state<string | null>(null);
	/** A municipality whose bounding box the map should fit once its facts (and bbox) arrive. */
	fitCode = $state<string | null>(null);

	constructor(url: URL) {
		this.readUrl(url);
	}

	readUrl(url: URL): void {
		this.locale = parseLocale(url.searchParams.get('lang'));
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

	setLocale(locale: Locale): void {
		this.locale = locale;
		this.#writeUrl();
	}

	/** A link to this view with another municipality selected. */
	hrefFor(code: string): ResolvedPathname {
		return resolve(`/?${viewSearch('', code, this.locale)}`);
	}

	#writeUrl(): void {
		const search = viewSearch(location.search, this.selectedCode, this.locale);
		if (`?${search}` === location.search || (search === '' && location.search === '')) return;
		replaceState(search ? resolve(`/?${search}`) : resolve('/'), {});
	}
}

/** The query string of a view, keeping any unrelated parameters of `current`. */
function viewSearch(current: string, code: string | null, locale: Locale): string {
	const kept = [...new URLSearchParams(current)].filter(([key]) => key !== 'm' && key !== 'lang');
	if (code) kept.push(['m', code]);
	if (locale !== 'es') kept.push(['lang', locale]);
	return new URLSearchParams(kept).toString();
}
