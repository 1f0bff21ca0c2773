import { z } from 'zod';

/**
 * Validation messages in the user's language. Our schemas carry their own messages in English
 * (the API's language for other systems); OWN_MESSAGES gives each its Spanish text. Zod's
 * built-in messages ("expected number") come from zod's own Spanish locale. The form and the API
 * both validate with the same schemas through `parseInput`, so a field gets the same message
 * whether the browser or the server caught it.
 */

export type ValidationLocale = 'es' | 'en';

const OWN_MESSAGES: Record<string, string> = {
	'at least 3 characters': 'al menos 3 caracteres',
	'a 5-digit DIVIPOLA code, e.g. 52835': 'un código DIVIPOLA de 5 dígitos, p. ej. 52835',
	'YYYY-MM-DD, or YYYY when only the year is known': 'AAAA-MM-DD, o AAAA si solo se conoce el año',
	'YYYY-MM-DD': 'AAAA-MM-DD',
	'not a real date': 'no es una fecha real',
	'a year between 1990 and 2100': 'un año entre 1990 y 2100',
	'at least one prevention step': 'al menos un paso de prevención',
	required: 'obligatorio',
	'at least 12 characters': 'al menos 12 caracteres',
	'at most 128 characters': 'como máximo 128 caracteres',
	'too easy to guess: use a longer phrase of unusual words':
		'demasiado fácil de adivinar: use una frase más larga, con palabras poco comunes',
	'must not contain the email address or its name': 'no debe contener el correo ni el nombre de su cuenta',
	'the new password must differ from the current one': 'la nueva contraseña debe ser distinta de la actual',
	'a 6-digit code or a recovery code': 'un código de 6 dígitos o un código de recuperación',
	'6 digits': '6 dígitos'
};

export function localiseMessage(message: string, locale: ValidationLocale): string {
	return locale === 'es' ? (OWN_MESSAGES[message] ?? message) : message;
}

/** The message for a well-formed municipality code that names no municipality. */
export function unknownMunicipalityMessage(code: string, locale: ValidationLocale): string {
	return locale === 'es'
		? `ningún municipio tiene el código ${code}`
		: `no municipality has the code ${code}`;
}

/** Zod issues as `{ field: message }` for a form (the first message per field). */
export function fieldErrors(
	issues: readonly { path: readonly PropertyKey[]; message: string }[],
	locale: ValidationLocale = 'en'
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const issue of issues) {
		const field = issue.path.map(String).join('.') || 'form';
		out[field] ??= localiseMessage(issue.message, locale);
	}
	return out;
}

let spanish: z.core.$ZodErrorMap | undefined;

export function parseInput<T>(
	schema: z.ZodType<T>,
	input: unknown,
	locale: ValidationLocale
): { success: true; data: T } | { success: false; errors: Record<string, string> } {
	spanish ??= z.locales.es().localeError;
	const parsed = schema.safeParse(input, locale === 'es' ? { error: spanish } : undefined);
	return parsed.success
		? { success: true, data: parsed.data }
		: { success: false, errors: fieldErrors(parsed.error.issues, locale) };
}

/** The language of an API caller: Spanish when its Accept-Language starts with `es`. */
export function requestLocale(acceptLanguage: string | undefined): ValidationLocale {
	return acceptLanguage?.trim().toLowerCase().startsWith('es') ? 'es' : 'en';
}
