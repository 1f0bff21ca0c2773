import type { BookletInput, CommitmentInput, DialogueInput } from '$lib/schemas/dialogues';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';

/** A dialogue to store: the form's fields, with the date optional (seed facts know the year only). */
export type NewDialogue = Omit<DialogueInput, 'date'> & { date: string | null; year: number };

/** The stored columns of a dialogue, in the order both statements below list them. */
function fieldValues(d: NewDialogue) {
	return [
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
		d.summary
	];
}

/** Its issues, ranked in the order given (the first is the main one). */
function storeIssues(db: DB, id: number, issues: readonly string[]): void {
	const issue = statement(db, 'INSERT INTO dialogue_issues (dialogue_id, category, rank) VALUES (?, ?, ?)');
	issues.forEach((category, rank) => issue.run(id, category, rank + 1));
}

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
	).get(...fieldValues(d), source) as { id: number } | undefined;
	if (!row) return null;
	storeIssues(db, row.id, d.issues);
	return row.id;
}

/** Replaces a dialogue's fields and issues (in the caller's transaction); false when there is no such dialogue. */
export function updateDialogue(db: DB, id: number, d: NewDialogue): boolean {
	const changed = statement(
		db,
		`UPDATE dialogues SET programme = ?, title = ?, municipality_code = ?, lon = ?, lat = ?, place_sensitive = ?,
			date = ?, year = ?, participants_community = ?, participants_institutions = ?,
			participants_public_force = ?, participants_women = ?, participants_men = ?, summary = ?
		 WHERE id = ?`
	).run(...fieldValues(d), id).changes;
	if (changed === 0) return false;
	statement(db, 'DELETE FROM dialogue_issues WHERE dialogue_id = ?').run(id);
	storeIssues(db, id, d.issues);
	return true;
}

export function insertBooklet(db: DB, b: BookletInput): number {
	return Number(
		statement(
			db,
			'INSERT INTO booklets (dialogue_id, municipality_code, problem, steps, resources) VALUES (?, ?, ?, ?, ?)'
		).run(b.dialogueId, b.municipality, b.problem, JSON.stringify(b.steps), b.resources).lastInsertRowid
	);
}

export function insertCommitment(db: DB, dialogueId: number, c: CommitmentInput): number {
	return Number(
		statement(
			db,
			'INSERT INTO commitments (dialogue_id, institution, action, due_date, status) VALUES (?, ?, ?, ?, ?)'
		).run(dialogueId, c.institution, c.action, c.dueDate, c.status).lastInsertRowid
	);
}
