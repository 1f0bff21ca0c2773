import type { DialogueInput } from '$lib/schemas/dialogues';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';

/** A dialogue to store: the form's fields, with the date optional (seed facts know the year only). */
export type NewDialogue = Omit<DialogueInput, 'date'> & { date: string | null; year: number };

/**
 * Stores a dialogue with its issues (in the caller's transaction). Returns its id, or null when the
 * same programme, municipality, year and title is already stored: seeding and imports run again
 * without duplicating, and the API answers 409.
 */
export function insertDialogue(db: DB, d: NewDialogue, source: string): number | null {
	const row = statement(
		db,
		`INSERT INTO dialogues (programme, title, municipality_code, lon, lat, place_sensitive, date, year,
			participants_community, participants_institutions, participants_public_force, participants_women,
			participants_men, summary, source)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`
	).get(
		d.programme,
		d.title,
		d.municipality,
		d.place?.lon ?? null,
		d.place?.lat ?? null,
		d.placeSensitive ? 1 : 0,
		d.date,
		d.year,
		d.participants.community,
		d.participants.institutions,
		d.participants.publicForce,
		d.participants.women,
		d.participants.men,
		d.summary,
		source
	) as { id: number } | undefined;
	if (!row) return null;
	const issue = statement(db, 'INSERT INTO dialogue_issues (dialogue_id, category, rank) VALUES (?, ?, ?)');
	d.issues.forEach((category, rank) => issue.run(row.id, category, rank + 1));
	return row.id;
}
