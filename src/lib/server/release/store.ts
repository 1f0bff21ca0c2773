import { AreaLayout, PeriodGrid, type AreaLevel, type PeriodGrain } from '$lib/domain/release/grid';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { storeFreshBatches } from './base';
import type { Built } from './build';
import type { Block, Release, ReleaseFacts } from './types';

/**
 * The current release kept in the database (migration 009), so that a restarted server serves it
 * at once instead of rebuilding: its facts as JSON, each block's cells as one little-endian typed
 * array. Only the current release is kept.
 */

/** Saves a built release as the next version, with the batch cells it computed, in one transaction. */
export function saveRelease(db: DB, built: Built, builtAt = new Date().toISOString()): Release {
	return db
		.transaction(() => {
			storeFreshBatches(db, built.fresh);
			const version =
				(statement(db, 'SELECT coalesce(max(version), 0) AS v FROM releases').get() as { v: number }).v + 1;
			statement(db, 'DELETE FROM releases').run();
			statement(db, 'INSERT INTO releases (version, built_at, sources, facts) VALUES (?, ?, ?, ?)').run(
				version,
				builtAt,
				built.sources,
				JSON.stringify(built.facts)
			);
			const insert = statement(db, 'INSERT INTO release_cells (version, category, cells) VALUES (?, ?, ?)');
			for (const block of built.blocks.values()) {
				insert.run(
					version,
					block.category,
					Buffer.from(block.values.buffer, block.values.byteOffset, block.values.byteLength)
				);
			}
			return { version, builtAt, sources: built.sources, facts: built.facts, blocks: built.blocks };
		})
		.immediate();
}

/** The stored release, or null when none was built yet. */
export function loadRelease(db: DB): Release | null {
	const row = statement(
		db,
		'SELECT version, built_at AS builtAt, sources, facts FROM releases ORDER BY version DESC LIMIT 1'
	).get() as { version: number; builtAt: string; sources: string; facts: string } | undefined;
	if (!row) return null;
	const facts = JSON.parse(row.facts) as ReleaseFacts;
	const cells = new Map(
		(
			statement(db, 'SELECT category, cells FROM release_cells WHERE version = ?').all(row.version) as {
				category: string;
				cells: Buffer;
			}[]
		).map((r) => [r.category, r.cells])
	);
	const layouts = new Map<string, AreaLayout>();
	const blocks = new Map<string, Block>();
	for (const b of facts.blocks) {
		const bytes = cells.get(b.category);
		if (!bytes) return null;
		const levelsKey = b.levels.join(',');
		let areas = layouts.get(levelsKey);
		if (!areas)
			layouts.set(levelsKey, (areas = new AreaLayout(facts.municipalities, b.levels as AreaLevel[])));
		const grid = new PeriodGrid(b.firstYear, b.years, b.grains as PeriodGrain[]);
		// Copied: a Buffer's offset need not be aligned for a typed array view.
		const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
		blocks.set(
			b.category,
			b.table === 'hectares'
				? { table: 'hectares', category: b.category, grid, areas, values: new Float64Array(buffer) }
				: { table: b.table, category: b.category, grid, areas, values: new Int32Array(buffer) }
		);
	}
	return { version: row.version, builtAt: row.builtAt, sources: row.sources, facts, blocks };
}

/** The version and sources of the stored release, without reading its cells. */
export function storedReleaseHead(db: DB): { version: number; sources: string } | null {
	return (
		(statement(db, 'SELECT version, sources FROM releases ORDER BY version DESC LIMIT 1').get() as
			{ version: number; sources: string } | undefined) ?? null
	);
}
