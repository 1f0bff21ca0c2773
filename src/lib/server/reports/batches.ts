import type { DB } from '../db/connection';
import { addBatchToRollup } from './rollup';
import { bumpReportsVersion } from './version';

export type ImportBatch = {
	id: number;
	source: string;
	mappingId: string;
	fileName: string;
	fileSha256: string;
	attribution: string;
	rowsRead: number;
	reportsInserted: number;
	reportsDuplicate: number;
	rowsRejected: number;
	rowsPointOutside: number;
	importedAt: string;
	importedBy: string | null;
};

export function listBatches(db: DB): ImportBatch[] {
	return db
		.prepare(
			`SELECT b.id, b.source, b.mapping_id AS mappingId, b.file_name AS fileName, b.file_sha256 AS fileSha256,
				b.attribution, b.rows_read AS rowsRead, b.rows_inserted AS reportsInserted,
				b.rows_duplicate AS reportsDuplicate, b.rows_rejected AS rowsRejected,
				b.rows_point_outside AS rowsPointOutside, b.imported_at AS importedAt, u.email AS importedBy
			 FROM import_batches b LEFT JOIN users u ON u.id = b.imported_by
			 ORDER BY b.id DESC`
		)
		.all() as ImportBatch[];
}

/** Deletes a batch and its reports, and takes them out of the rollup, in one transaction. */
export function deleteBatch(db: DB, id: number): { deleted: boolean; reports: number } {
	return db.transaction(() => {
		const exists = db.prepare('SELECT 1 FROM import_batches WHERE id = ?').get(id);
		if (!exists) return { deleted: false, reports: 0 };
		addBatchToRollup(db, id, -1);
		const reports = db.prepare('DELETE FROM reports WHERE batch_id = ?').run(id).changes;
		db.prepare('DELETE FROM import_batches WHERE id = ?').run(id);
		bumpReportsVersion(db);
		return { deleted: true, reports };
	})();
}
