import type { SubmitFunction } from '@sveltejs/kit';
import type { z } from 'zod';
import { parseInput, type ValidationLocale } from '$lib/schemas/validation';

export type FieldErrors = Record<string, string>;

/**
 * `use:enhance` for a form that the browser checks first with the schema its action checks again
 * (the same messages, in the page's language): a mistake is shown at its field at once and nothing
 * is sent. Otherwise the action's answer is applied as SvelteKit does by default: on success the
 * form is reset and the page's data loaded again; a refusal comes back as the `form` prop.
 */
export function checkedSubmit(options: {
	schema: z.ZodType;
	read: (form: FormData) => unknown;
	locale: () => ValidationLocale;
	/** The browser's own errors, or null once the form passes (the server's answer takes over). */
	onerrors: (errors: FieldErrors | null) => void;
	onsuccess?: () => void;
}): SubmitFunction {
	return ({ formData, cancel }) => {
		const checked = parseInput(options.schema, options.read(formData), options.locale());
		if (!checked.success) {
			options.onerrors(checked.errors);
			cancel();
			return;
		}
		options.onerrors(null);
		return async ({ result, update }) => {
			await update();
			if (result.type === 'success') options.onsuccess?.();
		};
	};
}

/** A form's answer from its action: what to show at each field, and what was typed. */
export type FormFailure = { errors: FieldErrors; values: Record<string, string> };

/** The message for a field, also when zod names an item of it (`steps.0` for the steps field). */
export function errorAt(errors: FieldErrors, field: string): string | undefined {
	if (errors[field]) return errors[field];
	const item = Object.keys(errors).find((key) => key.startsWith(`${field}.`));
	return item ? errors[item] : undefined;
}
