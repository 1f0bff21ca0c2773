import { dictionaries, type MessageKey } from './messages';

export type { MessageKey, Messages } from './messages';

export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'es';

/** Spanish unless the URL asks for English (`?lang=en`); anything else falls back to Spanish. */
export function parseLocale(value: string | null | undefined): Locale {
	return value === 'en' ? 'en' : DEFAULT_LOCALE;
}

/** Number formatting follows the audience: Colombian Spanish (1.234,5) or US English (1,234.5). */
export function intlLocale(locale: Locale): string {
	return locale === 'es' ? 'es-CO' : 'en-US';
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** A translator bound to one locale; numbers in `values` are formatted for that locale. */
export function translator(locale: Locale): Translate {
	const messages = dictionaries[locale];
	const number = new Intl.NumberFormat(intlLocale(locale));
	return (key, values) => {
		const template = messages[key];
		if (!values) return template;
		return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
			const value = values[name];
			if (value === undefined) return whole;
			return typeof value === 'number' ? number.format(value) : value;
		});
	};
}

/** Formats a number for the locale; `digits` is the maximum number of decimals. */
export function formatNumber(value: number, locale: Locale, digits = 0): string {
	return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: digits }).format(value);
}

/** Inhabitants per km²: one decimal below 100 (rural densities), whole numbers above. */
export function formatDensity(value: number, locale: Locale): string {
	return formatNumber(value, locale, Math.abs(value) < 100 ? 1 : 0);
}
