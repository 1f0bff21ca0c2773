import type { ImportLimits } from '../config';
import type { DB } from '../db/connection';
import { importBookletsCsv, importCommitmentsCsv, importDialoguesCsv } from '../dialogues/import';
import { importSurveyCsv } from '../surveys/panel';

/**
 * Files that are not reports: the leaders' panel and the dialogues' tables, each imported all or
 * nothing by its own importer, through the same upload, job queue and command line as reports.
 * Their names take the place of a mapping id (`?mapping=survey`, `npm run import -- survey FILE`).
 */
export type TableImport = {
	run: (db: DB, file: string, limits: ImportLimits) => Promise<{ rows: number; stored: number }>;
	/** The audit action of an import of this table. */
	action: string;
};

/** The dialogues' tables answer `added`: rows stored, those already stored left as they are. */
const added =
	(run: (db: DB, file: string, limits: ImportLimits) => Promise<{ rows: number; added: number }>) =>
	async (db: DB, file: string, limits: ImportLimits) => {
		const { rows, added } = await run(db, file, limits);
		return { rows, stored: added };
	};

const TABLES = {
	survey: {
		run: async (db, file, limits) => {
			const { rows, answers } = await importSurveyCsv(db, file, limits);
			return { rows, stored: answers };
		},
		action: 'surveys.import'
	},
	dialogues: { run: added(importDialoguesCsv), action: 'dialogues.import' },
	booklets: { run: added(importBookletsCsv), action: 'booklets.import' },
	commitments: { run: added(importCommitmentsCsv), action: 'commitments.import' }
} satisfies Record<string, TableImport>;

export type TableName = keyof typeof TABLES;

/** The table a name stands for, or null for a reports mapping. */
export function tableImport(name: string): (TableImport & { table: TableName }) | null {
	return Object.hasOwn(TABLES, name) ? { ...TABLES[name as TableName], table: name as TableName } : null;
}
