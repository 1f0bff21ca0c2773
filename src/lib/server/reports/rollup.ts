import type { DB } from '../db/connection';

/** Adds (+1) or removes (−1) a batch's reports to or from the monthly rollup. */
export function addBatchToRollup(db: DB, batchId: number, sign: 1 | -1): void {
	db.prepare(
		`INSERT INTO report_rollup (category, month, municipality_code, count, reports)
		 SELECT category, month, municipality_code, ? * sum(count), ? * count(*)
		 FROM reports WHERE batch_id = ? GROUP BY category, month, municipality_code
		 ON CONFLICT (category, month, municipality_code) DO UPDATE
		 SET count = count + excluded.count, reports = reports + excluded.reports`
	).run(sign, sign, batchId);
	if (sign < 0) db.prepare('DELETE FROM report_rollup WHERE reports <= 0').run();
}

/** Adds the drafts of an attached `staging` database to the rollup (see import/importer.ts). */
export function addStagingToRollup(db: DB): void {
	db.prepare(
		`INSERT INTO report_rollup (category, month, municipality_code, count, reports)
		 SELECT category, month, municipality_code, sum(count), count(*)
		 FROM staging.drafts WHERE true GROUP BY category, month, municipality_code
		 ON CONFLICT (category, month, municipality_code) DO UPDATE
		 SET count = count + excluded.count, reports = reports + excluded.reports`
	).run();
}
