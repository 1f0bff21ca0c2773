import { z } from 'zod';
import programmes from '../../../../data/seed/programmes.json';
import resilience2021 from '../../../../data/seed/resilience-dialogues-2021.json';
import { CategoryId } from '$lib/domain/categories';
import type { DB } from '../db/connection';
import { insertDialogue } from './store';

/**
 * The programmes' public facts (data/seed, from ../shared/SEED-FACTS.md): the ten 2021 Resilience
 * Dialogues with their main issues. Dates and places were not published: they stay NULL and are
 * shown as unknown. Loaded on start; inserting again changes nothing.
 */

const Seed = z.object({
	programme: z.enum(['resilience-dialogues', 'citizen-security-dialogues', 'other']),
	year: z.number().int(),
	dialogues: z.array(
		z.object({
			municipality: z.string().regex(/^\d{5}$/),
			name: z.string(),
			issues: z.array(CategoryId).min(1)
		})
	)
});

export const PROGRAMMES = z
	.object({
		programmes: z.array(
			z.object({
				id: z.string(),
				name: z.object({ es: z.string(), en: z.string() }),
				startedOn: z.string().nullable(),
				endedOn: z.string().nullable(),
				departments: z.array(z.string()).nullable(),
				source: z.string()
			})
		)
	})
	.parse(programmes).programmes;

export function seedDialogues(db: DB): number {
	const seed = Seed.parse(resilience2021);
	const source = PROGRAMMES.find((p) => p.id === seed.programme)?.source ?? seed.programme;
	const known = db.prepare('SELECT 1 FROM municipalities WHERE code = ?');
	let added = 0;
	db.transaction(() => {
		for (const d of seed.dialogues) {
			if (!known.get(d.municipality)) continue;
			const dialogue = {
				programme: seed.programme,
				title: `Diálogo de Resiliencia ${seed.year} – ${d.name}`,
				municipality: d.municipality,
				// Dates and places were not published: unknown, not invented.
				date: null,
				year: seed.year,
				place: null,
				placeSensitive: true,
				participants: { community: null, institutions: null, publicForce: null, women: null, men: null },
				issues: d.issues,
				summary: null
			};
			if (insertDialogue(db, dialogue, source) !== null) added++;
		}
	})();
	return added;
}
