import { DialogueInput, fieldErrors } from '$lib/schemas/dialogues';
import type { Mapping } from '$lib/domain/import/mapping';
import type { DB } from '../db/connection';
import { ImportRejected } from '../import/importer';
import { ProblemList } from '../import/problems';
import { openSourceFile } from '../import/source-file';
import { insertDialogue } from './store';

/**
 * Dialogues from CSV: `programme,title,municipality,date,issues,summary` (issues separated by `;`),
 * each row validated by the same schema as the form, all or nothing. A dialogue already stored
 * (same programme, municipality, year and title) is left as it is.
 */

const COLUMNS = ['programme', 'title', 'municipality', 'date', 'issues', 'summary'];
const CSV = { format: 'csv', csv: { delimiter: 'auto', encoding: 'auto' } } as Mapping;

export async function importDialoguesCsv(db: DB, file: string): Promise<{ rows: number; added: number }> {
	const source = await openSourceFile(file, CSV);
	const missing = COLUMNS.filter((c) => !source.header.includes(c));
	if (missing.length > 0) {
		throw new ImportRejected(
			`The file has no column ${missing.map((c) => `"${c}"`).join(', ')}; it needs ${COLUMNS.join(', ')}`
		);
	}
	const known = db.prepare('SELECT 1 FROM municipalities WHERE code = ?');
	const problems = new ProblemList();
	const good: DialogueInput[] = [];
	let rows = 0;
	for await (const record of source.records) {
		rows++;
		const fail = (column: string | null, reason: string) => problems.add({ row: record.row, column, reason });
		if (!('values' in record)) {
			fail(null, record.reason);
			continue;
		}
		const get = (c: string) => (record.values[source.header.indexOf(c)] ?? '').trim();
		const parsed = DialogueInput.safeParse({
			programme: get('programme'),
			title: get('title'),
			municipality: get('municipality').padStart(5, '0'),
			date: get('date'),
			issues: get('issues')
				? get('issues')
						.split(';')
						.map((s) => s.trim())
				: [],
			summary: get('summary') || null
		});
		if (!parsed.success) {
			const [field, message] = Object.entries(fieldErrors(parsed.error.issues))[0]!;
			fail(field.split('.')[0]!, message);
			continue;
		}
		if (!known.get(parsed.data.municipality)) {
			fail('municipality', `no municipality has the code ${parsed.data.municipality}`);
			continue;
		}
		good.push(parsed.data);
	}
	problems.rejectIfAny('The dialogues file');
	let added = 0;
	db.transaction(() => {
		for (const d of good) {
			if (insertDialogue(db, { ...d, year: Number(d.date.slice(0, 4)) }, 'csv') !== null) added++;
		}
	})();
	return { rows, added };
}
