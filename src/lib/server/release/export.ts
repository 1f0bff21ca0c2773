import fs from 'node:fs';
import path from 'node:path';
import { NO_DATA, SMALL, WITHHELD } from '$lib/domain/release/blocks';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import { shapeOf } from './build';
import { RELEASE_TABLES, type Block, type Release, type ReleaseTableId } from './types';

/**
 * The release as files, for the auditor and for download (the HDX way: one CSV per table, a
 * manifest and a data dictionary). THE FORMAT is a contract with the independent auditor; change
 * it only with it:
 *
 *   manifest.json  { version, builtAt, method: "cell-key",
 *                    rules: { smallCell: {min, max}, perturbation: {maxAbs}, zeroPublished: true,
 *                             sensitiveCategories: [...], nonSensitiveGroup: "all-non-sensitive" },
 *                    tables: [{ id, file, dimensions }] }
 *   <id>.csv       area_level,area_code,period_grain,period,category,value,status
 *
 * area_level municipality | department | nation (code "CO"; a department is the first two digits
 * of its municipalities' codes); period_grain month | quarter | year (YYYY-MM, YYYY-Qn, YYYY);
 * category an id or "all-non-sensitive"; value the published number or empty; status published |
 * small | withheld (a count above zero whose value the guard against bounded inference keeps back,
 * domain/release/guard.ts). Tables: `issues` (non-sensitive counts), `sensitive`, `hectares` (exact).
 * An area that never appears in a category's sources has no rows for it.
 */

export const CSV_HEADER = 'area_level,area_code,period_grain,period,category,value,status\n';

export type ReleaseManifest = {
	version: number;
	builtAt: string;
	method: 'cell-key';
	rules: {
		smallCell: { min: number; max: number };
		perturbation: { maxAbs: number };
		zeroPublished: true;
		sensitiveCategories: string[];
		nonSensitiveGroup: string;
	};
	tables: {
		id: ReleaseTableId;
		file: string;
		dimensions: { area_level: string[]; period_grain: string[]; category: string[] };
	}[];
};

export function manifestOf(release: Release, config: DisclosureConfig = DISCLOSURE): ReleaseManifest {
	return {
		version: release.version,
		builtAt: release.builtAt,
		method: 'cell-key',
		rules: {
			smallCell: { min: config.smallCell.min, max: config.smallCell.max },
			perturbation: { maxAbs: config.perturbation.maxAbs },
			zeroPublished: true,
			sensitiveCategories: [...config.sensitiveCategories],
			nonSensitiveGroup: config.nonSensitiveGroup
		},
		tables: RELEASE_TABLES.map((id) => {
			const shape = shapeOf(id, config);
			return {
				id,
				file: `${id}.csv`,
				dimensions: {
					area_level: [...shape.levels],
					period_grain: [...shape.grains],
					category: blocksOf(release, id).map((b) => b.category)
				}
			};
		})
	};
}

function blocksOf(release: Release, table: ReleaseTableId): Block[] {
	return [...release.blocks.values()].filter((b) => b.table === table);
}

/** A table as CSV text, header first, then one chunk per category and area. */
export function* tableChunks(release: Release, table: ReleaseTableId): Generator<string, void, void> {
	yield CSV_HEADER;
	for (const block of blocksOf(release, table)) {
		const periods = [...block.grid.periods()].map((p) => `${p.grain},${p.id}`);
		const P = block.grid.size;
		for (let area = 0; area < block.areas.size; area++) {
			const row = area * P;
			const first = block.values[row]!;
			if (block.table === 'hectares' ? Number.isNaN(first) : first === NO_DATA) continue;
			const { level, code } = block.areas.areaAt(area);
			const prefix = `${level},${code},`;
			const suffix = `,${block.category},`;
			let chunk = '';
			for (let p = 0; p < P; p++) {
				const v = block.values[row + p]!;
				chunk +=
					prefix +
					periods[p] +
					suffix +
					(block.table === 'hectares'
						? `${v},published\n`
						: v === SMALL
							? ',small\n'
							: v === WITHHELD
								? ',withheld\n'
								: `${v},published\n`);
			}
			yield chunk;
		}
	}
}

/** Writes manifest.json and one CSV per table into `dir` (created if needed). */
export function writeExport(
	release: Release,
	dir: string,
	config: DisclosureConfig = DISCLOSURE
): ReleaseManifest {
	fs.mkdirSync(dir, { recursive: true });
	const manifest = manifestOf(release, config);
	for (const table of manifest.tables) {
		const fd = fs.openSync(path.join(dir, table.file), 'w');
		try {
			for (const chunk of tableChunks(release, table.id)) fs.writeSync(fd, chunk);
		} finally {
			fs.closeSync(fd);
		}
	}
	fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, '\t')}\n`);
	return manifest;
}
