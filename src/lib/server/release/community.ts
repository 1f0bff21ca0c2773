import { CATEGORIES, categoryById, isCategoryId } from '$lib/domain/categories';
import { COMMUNITY_BLOCK_PREFIX, COMMUNITY_SOURCE_LABEL } from '$lib/domain/community/report';
import { smallCellDisplay } from '$lib/domain/disclosure';
import { NO_DATA, SMALL, WITHHELD } from '$lib/domain/release/blocks';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import type { DB } from '../db/connection';
import type { CategoryCells } from './base';
import { recordKeys } from './record-keys';
import type { Release } from './types';

/**
 * Verified community reports in the public release (issue 18): a source of their own, one block
 * per category named `community:<category>`, never added to the official category's block. Every
 * community block is published like a sensitive category (table `sensitive`: per department and
 * nation, per quarter and year, cell-key perturbation, 1–10 suppressed, and the guard against
 * bounded inference), whatever the category: a handful of reports from a village identify people
 * more easily than a registry's figures do.
 *
 * Record keys come from the same keystream as the reports' (record-keys.ts), far past any report
 * id, so that no community report shares a key with an official one.
 */
const KEY_OFFSET = 2 ** 40;

export function communityBlockId(category: string): string {
	return `${COMMUNITY_BLOCK_PREFIX}${category}`;
}

/** Per category, the verified reports' totals and key sums per municipality × month. */
export function communityCells(
	read: DB,
	municipalities: readonly string[],
	salt: Buffer
): Map<string, CategoryCells> {
	const position = new Map(municipalities.map((code, i) => [code, i]));
	const rows = read
		.prepare(
			`SELECT id, category, municipality_code AS code,
				CAST(substr(month, 1, 4) AS INTEGER) * 12 + CAST(substr(month, 6, 2) AS INTEGER) - 1 AS month, count
			 FROM community_reports WHERE state = 'verified' ORDER BY id`
		)
		.all() as { id: number; category: string; code: string; month: number; count: number }[];
	const out = new Map<string, CategoryCells>();
	if (rows.length === 0) return out;
	const low = rows[0]!.id;
	const keys = recordKeys(salt, KEY_OFFSET + low, KEY_OFFSET + rows.at(-1)!.id);
	const cells = new Map<string, { category: string; m: number; month: number; total: number; key: number }>();
	for (const r of rows) {
		const m = position.get(r.code);
		if (m === undefined || !isCategoryId(r.category)) continue;
		const id = `${r.category}|${m}|${r.month}`;
		const cell = cells.get(id) ?? { category: r.category, m, month: r.month, total: 0, key: 0 };
		cell.total += r.count;
		cell.key = (cell.key + keys[r.id - low]!) & 255;
		cells.set(id, cell);
	}
	for (const c of cells.values()) {
		let list = out.get(c.category);
		if (!list) out.set(c.category, (list = { municipality: [], month: [], total: [], key: [] }));
		list.municipality.push(c.m);
		list.month.push(c.month);
		list.total.push(c.total);
		list.key.push(c.key);
	}
	return out;
}

export type PublicCommunityFigure = {
	category: string;
	area: { level: 'department' | 'nation'; code: string };
	period: { grain: 'quarter' | 'year'; id: string };
	/** The published (perturbed) count; null when suppressed. */
	value: number | null;
	/** "1–10" for a small count, "—" when the guard withheld it. */
	suppressed?: string;
};

/**
 * The public's community figures: every published cell of the community blocks of the release
 * (optionally one category's), per department and the nation, per quarter and year.
 */
export function publicCommunityFigures(
	release: Release,
	category: string | undefined,
	config: DisclosureConfig = DISCLOSURE
) {
	const figures: PublicCommunityFigure[] = [];
	const categories = CATEGORIES.filter((c) => category === undefined || c.id === category);
	for (const c of categories) {
		const block = release.blocks.get(communityBlockId(c.id));
		if (!block || block.table === 'hectares') continue;
		const periods = [...block.grid.periods()];
		for (let area = 0; area < block.areas.size; area++) {
			const where = block.areas.areaAt(area);
			if (where.level === 'municipality') continue;
			for (const p of periods) {
				if (p.grain === 'month') continue;
				const v = block.values[area * block.grid.size + p.index]!;
				if (v === NO_DATA) continue;
				figures.push({
					category: c.id,
					area: { level: where.level, code: where.code },
					period: { grain: p.grain, id: p.id },
					...(v === SMALL
						? { value: null, suppressed: smallCellDisplay(config) }
						: v === WITHHELD
							? { value: null, suppressed: '—' }
							: { value: v })
				});
			}
		}
	}
	return {
		release: release.version,
		source: COMMUNITY_SOURCE_LABEL,
		note: {
			es: 'Reportes comunitarios verificados: una fuente propia, nunca sumada a las cifras oficiales. Solo por departamento y trimestre o año; de 1 a 10 se muestra «1–10».',
			en: 'Verified community reports: a source of their own, never added to official figures. Per department and quarter or year only; 1 to 10 is shown as "1–10".'
		},
		labels: Object.fromEntries(categories.map((c) => [c.id, categoryById(c.id).label])),
		figures
	};
}
