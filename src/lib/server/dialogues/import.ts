import { z } from 'zod';
import { BookletInput, CommitmentInput, DialogueInput } from '$lib/schemas/dialogues';
import { fieldErrors } from '$lib/schemas/validation';
import type { Mapping } from '$lib/domain/import/mapping';
import type { ImportLimits } from '../config';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { ImportRejected } from '../import/importer';
import { ProblemList } from '../import/problems';
import { openSourceFile, type SourceFile } from '../import/source-file';
import { StagedRows } from '../import/staging';
import { insertBooklet, insertCommitment, insertDialogue } from './store';

/**
 * Dialogues, prevention booklets and commitments from CSV. Every row is validated by the same
 * schema as the form and the API, references (municipality, dialogue) are checked against the
 * database, and the file is stored all or nothing, in one transaction: one bad row rejects it
 * with every problem listed by row and column, and nothing is written. The rows are read as a
 * stream and staged on disk until the end of the file (import/staging.ts), so memory stays flat
 * however large the file; only the problems (the first 100) are kept.
 *
 * - dialogues: `programme,title,municipality,date,issues,summary` (issues separated by `;`); a
 *   dialogue already stored (same programme, municipality, year and title) is left as it is;
 * - booklets: `municipality,problem,steps[,resources][,dialogue]` (steps separated by `;`,
 *   dialogue: the id of a stored dialogue);
 * - commitments: `dialogue,institution,action[,due_date][,status]` (status open, in_progress or
 *   done; overdue is derived from the due date, never imported).
 */

const CSV = { format: 'csv', csv: { delimiter: 'auto', encoding: 'auto' } } as Mapping;

type Kind<T> = {
	label: string;
	required: string[];
	optional: string[];
	schema: z.ZodType<T>;
	/** The schema's input from a row (`get` answers '' for an absent optional column). */
	input: (get: (column: string) => string) => unknown;
	/** A reference the schema cannot check (a municipality, a dialogue): [column, reason] or null. */
	check: (db: DB, value: T) => [string, string] | null;
	/** Stores one row; false when it was already stored. */
	insert: (db: DB, value: T) => boolean;
};

const list = (text: string) =>
	text
		.split(';')
		.map((s) => s.trim())
		.filter(Boolean);
const optionalId = (text: string) => (text === '' ? null : Number(text));

const municipalityExists = (db: DB, code: string): [string, string] | null =>
	statement(db, 'SELECT 1 FROM municipalities WHERE code = ?').get(code)
		? null
		: ['municipality', `no municipality has the code ${code}`];
const dialogueExists = (db: DB, id: number | null, column: string): [string, string] | null =>
	id === null || statement(db, 'SELECT 1 FROM dialogues WHERE id = ?').get(id)
		? null
		: [column, `no dialogue has the id ${id}`];

const DIALOGUES: Kind<DialogueInput> = {
	label: 'The dialogues file',
	required: ['programme', 'title', 'municipality', 'date', 'issues', 'summary'],
	optional: [],
	schema: DialogueInput,
	input: (get) => ({
		programme: get('programme'),
		title: get('title'),
		municipality: get('municipality').padStart(5, '0'),
		date: get('date'),
		issues: list(get('issues')),
		summary: get('summary') || null
	}),
	check: (db, d) => municipalityExists(db, d.municipality),
	insert: (db, d) => insertDialogue(db, { ...d, year: Number(d.date.slice(0, 4)) }, 'csv') !== null
};

const BOOKLETS: Kind<BookletInput> = {
	label: 'The booklets file',
	required: ['municipality', 'problem', 'steps'],
	optional: ['resources', 'dialogue'],
	schema: BookletInput,
	input: (get) => ({
		municipality: get('municipality').padStart(5, '0'),
		problem: get('problem'),
		steps: list(get('steps')),
		resources: get('resources') || null,
		dialogueId: optionalId(get('dialogue'))
	}),
	check: (db, b) => municipalityExists(db, b.municipality) ?? dialogueExists(db, b.dialogueId, 'dialogue'),
	insert: (db, b) => insertBooklet(db, b) > 0
};

/** A commitment row names its dialogue by id, beside the commitment's own fields. */
const CommitmentRow = CommitmentInput.extend({
	dialogue: z.number({ message: 'the id of a stored dialogue' }).int().positive('the id of a stored dialogue')
});
type CommitmentRow = z.infer<typeof CommitmentRow>;

const COMMITMENTS: Kind<CommitmentRow> = {
	label: 'The commitments file',
	required: ['dialogue', 'institution', 'action'],
	optional: ['due_date', 'status'],
	schema: CommitmentRow,
	input: (get) => ({
		dialogue: get('dialogue') === '' ? undefined : Number(get('dialogue')),
		institution: get('institution'),
		action: get('action'),
		dueDate: get('due_date') || null,
		...(get('status') ? { status: get('status') } : {})
	}),
	check: (db, c) => dialogueExists(db, c.dialogue, 'dialogue'),
	insert: (db, { dialogue, ...commitment }) => insertCommitment(db, dialogue, commitment) > 0
};

async function importRows<T>(
	db: DB,
	file: string,
	kind: Kind<T>,
	limits?: ImportLimits
): Promise<{ rows: number; added: number }> {
	const source = await openSourceFile(file, CSV, limits);
	const missing = kind.required.filter((c) => !source.header.includes(c));
	if (missing.length > 0) {
		throw new ImportRejected(
			`${kind.label} has no column ${missing.map((c) => `"${c}"`).join(', ')}; it needs ${kind.required.join(', ')}` +
				(kind.optional.length ? ` (optional: ${kind.optional.join(', ')})` : '')
		);
	}
	const good = new StagedRows<T>();
	try {
		return await stageAndStore(db, source, kind, good);
	} finally {
		good.remove();
	}
}

/** Validates every row into `good`, then stores them in one transaction unless one was bad. */
async function stageAndStore<T>(
	db: DB,
	source: SourceFile,
	kind: Kind<T>,
	good: StagedRows<T>
): Promise<{ rows: number; added: number }> {
	const problems = new ProblemList();
	let rows = 0;
	for await (const record of source.records) {
		rows++;
		const fail = (column: string | null, reason: string) => problems.add({ row: record.row, column, reason });
		if (!('values' in record)) {
			fail(null, record.reason);
			continue;
		}
		const get = (c: string) => {
			const at = source.header.indexOf(c);
			return at < 0 ? '' : (record.values[at] ?? '').trim();
		};
		const parsed = kind.schema.safeParse(kind.input(get));
		if (!parsed.success) {
			const [field, message] = Object.entries(fieldErrors(parsed.error.issues))[0]!;
			fail(field.split('.')[0]!, message);
			continue;
		}
		const problem = kind.check(db, parsed.data);
		if (problem) {
			fail(...problem);
			continue;
		}
		// Once the file is refused, the rest is read only to list its problems.
		if (problems.count === 0) good.add(parsed.data);
	}
	problems.rejectIfAny(kind.label);
	let added = 0;
	db.transaction(() => {
		for (const value of good.values()) if (kind.insert(db, value)) added++;
	})();
	return { rows, added };
}

export function importDialoguesCsv(db: DB, file: string, limits?: ImportLimits) {
	return importRows(db, file, DIALOGUES, limits);
}

export function importBookletsCsv(db: DB, file: string, limits?: ImportLimits) {
	return importRows(db, file, BOOKLETS, limits);
}

export function importCommitmentsCsv(db: DB, file: string, limits?: ImportLimits) {
	return importRows(db, file, COMMITMENTS, limits);
}
