import { z } from 'zod';
import demo from '../../../../data/survey/demo-panel.json';
import { generateDemoPanel } from '$lib/domain/demo-panel';
import { parseAnswer, QUESTIONNAIRE, questionKeys } from '$lib/domain/questionnaire';
import type { Mapping } from '$lib/domain/import/mapping';
import type { ImportLimits } from '../config';
import type { DB } from '../db/connection';
import { ImportRejected } from '../import/importer';
import { ProblemList } from '../import/problems';
import { openSourceFile, type SourceFile } from '../import/source-file';
import { StagedRows } from '../import/staging';

/**
 * Writing the leaders' panel: the demonstration panel (generated, loaded once on start) and
 * imports of real answers from CSV in long form, one answer per row:
 *   municipality,respondent,sector,sex,area,wave,question,value
 * validated row by row, all or nothing, idempotent (an answer is keyed by respondent, wave and
 * question: importing the same file again changes nothing). The answers are staged on disk while
 * the file streams (import/staging.ts), so memory stays flat however many there are.
 */

const DemoParams = z.object({
	seed: z.number().int(),
	from: z.string().regex(/^\d{4}-\d{2}$/),
	to: z.string().regex(/^\d{4}-\d{2}$/),
	respondentsPerMunicipality: z.number().int().positive(),
	municipalities: z.array(z.string().regex(/^\d{5}$/))
});

/** Loads the demonstration panel unless it is there already. Returns the answers written. */
export function loadDemoPanel(db: DB): number {
	if (db.prepare('SELECT 1 FROM survey_respondents WHERE demo = 1 LIMIT 1').get()) return 0;
	const params = DemoParams.parse(demo);
	const known = new Set(db.prepare('SELECT code FROM municipalities').pluck().all() as string[]);
	params.municipalities = params.municipalities.filter((code) => known.has(code));
	const panel = generateDemoPanel(params);
	const insertRespondent = db.prepare(
		`INSERT INTO survey_respondents (municipality_code, pseudonym, sector, sex, area, demo) VALUES (?, ?, ?, ?, ?, 1)`
	);
	const insertAnswer = db.prepare(
		`INSERT INTO survey_answers (respondent_id, wave, questionnaire_version, question, value, category) VALUES (?, ?, ?, ?, ?, ?)`
	);
	db.transaction(() => {
		const ids = panel.respondents.map((r) =>
			Number(insertRespondent.run(r.municipality, r.pseudonym, r.sector, r.sex, r.area).lastInsertRowid)
		);
		for (const a of panel.answers)
			insertAnswer.run(ids[a.respondent], a.wave, QUESTIONNAIRE.version, a.question, a.value, a.category);
	})();
	return panel.answers.length;
}

const Row = z.object({
	municipality: z
		.string()
		.regex(/^\d{4,5}$/, 'must be a 5-digit DIVIPOLA code')
		.transform((c) => c.padStart(5, '0')),
	respondent: z
		.string()
		.trim()
		.min(1)
		.max(40)
		.regex(/^[\p{L}\p{N}_-]+$/u, 'must be a pseudonymous code (letters, digits, - or _)'),
	sector: z.enum(QUESTIONNAIRE.sectors as [string, ...string[]]),
	sex: z.enum(['F', 'M', 'X']),
	area: z.enum(['rural', 'urban']),
	wave: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM'),
	question: z.string(),
	value: z.string()
});
const COLUMNS = Object.keys(Row.shape);
const IDENTITY = COLUMNS.filter((c) => c !== 'question' && c !== 'value');
const CSV: Mapping = { format: 'csv', csv: { delimiter: 'auto', encoding: 'auto' } } as Mapping;

/**
 * Long form: one answer per row (`question`, `value` columns). Wide form: one row per respondent
 * and wave, one column per question key (`trust:police`, …, `rural-safety`, `urgent-issue`).
 */
export async function importSurveyCsv(
	db: DB,
	file: string,
	limits?: ImportLimits
): Promise<{ rows: number; answers: number }> {
	const source = await openSourceFile(file, CSV, limits);
	const keys = questionKeys();
	const wideColumns = source.header.filter((h) => keys.includes(h));
	const wide = !source.header.includes('question') && wideColumns.length > 0;
	const needed = wide ? IDENTITY : COLUMNS;
	const missing = needed.filter((c) => !source.header.includes(c));
	if (missing.length > 0) {
		throw new ImportRejected(
			`The file has no column ${missing.map((c) => `"${c}"`).join(', ')}; a survey file needs ${IDENTITY.join(', ')} and either question,value (one answer per row) or one column per question (${keys.slice(0, 2).join(', ')}, …)`
		);
	}
	const good = new StagedRows<Answer>();
	try {
		return await stageAndStore(db, source, wide ? wideColumns : null, good);
	} finally {
		good.remove();
	}
}

type Answer = z.infer<typeof Row> & { parsed: { value: number | null; category: string | null } };

/** Validates every answer into `good`, then stores them in one transaction unless one was bad. */
async function stageAndStore(
	db: DB,
	source: SourceFile,
	wideColumns: string[] | null,
	good: StagedRows<Answer>
): Promise<{ rows: number; answers: number }> {
	const keys = questionKeys();
	const known = new Set(db.prepare('SELECT code FROM municipalities').pluck().all() as string[]);
	const problems = new ProblemList();
	let rows = 0;
	for await (const record of source.records) {
		rows++;
		const fail = (column: string | null, reason: string) => problems.add({ row: record.row, column, reason });
		if (!('values' in record)) {
			fail(null, record.reason);
			continue;
		}
		const object = Object.fromEntries(source.header.map((h, i) => [h, record.values[i] ?? '']));
		const answers = wideColumns
			? wideColumns.map((question) => ({
					...object,
					question,
					value: object[question] ?? '',
					column: question
				}))
			: [{ ...object, column: 'value' }];
		for (const candidate of answers) {
			const parsed = Row.safeParse(candidate);
			if (!parsed.success) {
				const issue = parsed.error.issues[0]!;
				fail(String(issue.path[0]), issue.message);
				break;
			}
			if (!known.has(parsed.data.municipality)) {
				fail('municipality', `"${parsed.data.municipality}" is not the code of a municipality`);
				break;
			}
			const answer = parseAnswer(parsed.data.question, parsed.data.value);
			if (typeof answer === 'string') {
				fail(keys.includes(parsed.data.question) ? candidate.column : 'question', answer);
				continue;
			}
			// Once the file is refused, the rest is read only to list its problems.
			if (problems.count === 0) good.add({ ...parsed.data, parsed: answer });
		}
	}
	problems.rejectIfAny('The survey file');
	const upsertRespondent = db.prepare(
		`INSERT INTO survey_respondents (municipality_code, pseudonym, sector, sex, area) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (municipality_code, pseudonym) DO UPDATE SET sector = excluded.sector, sex = excluded.sex, area = excluded.area
		 RETURNING id`
	);
	const upsertAnswer = db.prepare(
		`INSERT INTO survey_answers (respondent_id, wave, questionnaire_version, question, value, category) VALUES (?, ?, ?, ?, ?, ?)
		 ON CONFLICT (respondent_id, wave, question) DO UPDATE SET value = excluded.value, category = excluded.category,
		   questionnaire_version = excluded.questionnaire_version`
	);
	db.transaction(() => {
		for (const r of good.values()) {
			const { id } = upsertRespondent.get(r.municipality, r.respondent, r.sector, r.sex, r.area) as {
				id: number;
			};
			upsertAnswer.run(id, r.wave, QUESTIONNAIRE.version, r.question, r.parsed.value, r.parsed.category);
		}
	})();
	return { rows, answers: good.count };
}
