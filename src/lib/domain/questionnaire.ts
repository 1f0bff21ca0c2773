import { z } from 'zod';
import questionnaire from '../../../data/survey/questionnaire.json';
import { CategoryId } from './categories';

/** The leaders' survey questionnaire (data/survey/questionnaire.json), validated at load. */

const Label = z.object({ es: z.string().min(1), en: z.string().min(1) });
const Slug = z.string().regex(/^[a-z][a-z0-9-]*$/);

export const Questionnaire = z.object({
	version: z.number().int().positive(),
	scale: z.object({
		min: z.literal(1),
		max: z.literal(5),
		labels: z.object({ es: z.array(z.string()).length(5), en: z.array(z.string()).length(5) }),
		dontKnow: z.object({ code: z.string(), label: Label }),
		trusting: z.array(z.number().int().min(1).max(5))
	}),
	providers: z.array(z.object({ id: Slug, label: Label })).min(1),
	questions: z.array(
		z.object({ id: Slug, kind: z.enum(['per-provider', 'scale', 'category']), label: Label })
	),
	sectors: z.array(Slug).min(1)
});
export type Questionnaire = z.infer<typeof Questionnaire>;

export const QUESTIONNAIRE: Questionnaire = Questionnaire.parse(questionnaire);
export const PROVIDER_IDS = QUESTIONNAIRE.providers.map((p) => p.id);

/** The question keys stored per answer: `trust:<provider>`, `rural-safety`, `urgent-issue`. */
export function questionKeys(q: Questionnaire = QUESTIONNAIRE): string[] {
	return q.questions.flatMap((question) =>
		question.kind === 'per-provider' ? q.providers.map((p) => `${question.id}:${p.id}`) : [question.id]
	);
}

/** One answer as a file gives it: a value 1–5, `ns` (don't know), or a category for the urgent issue. */
export function parseAnswer(
	question: string,
	raw: string,
	q: Questionnaire = QUESTIONNAIRE
): { value: number | null; category: string | null } | string {
	const text = raw.trim();
	if (!questionKeys(q).includes(question))
		return `"${question.slice(0, 40)}" is not a question of questionnaire v${q.version}`;
	if (question === 'urgent-issue') {
		if (text === '' || text === q.scale.dontKnow.code) return { value: null, category: null };
		return CategoryId.safeParse(text).success
			? { value: null, category: text }
			: `"${text.slice(0, 40)}" is not an issue category`;
	}
	if (text === q.scale.dontKnow.code || text === '') return { value: null, category: null };
	const n = Number(text);
	if (!Number.isInteger(n) || n < q.scale.min || n > q.scale.max) {
		return `${JSON.stringify(text.slice(0, 20))} is not on the ${q.scale.min}–${q.scale.max} scale (or "${q.scale.dontKnow.code}")`;
	}
	return { value: n, category: null };
}
