import { CATEGORIES, categoryById, isCategoryId } from '$lib/domain/categories';
import { commitmentStatus, shareDone, type StoredStatus } from '$lib/domain/commitments';
import { smallCellDisplay } from '$lib/domain/disclosure';
import { lastWholeYear } from '$lib/domain/monthly-cube';
import { NO_DATA, SMALL, WITHHELD } from '$lib/domain/release/blocks';
import { isSensitiveCategory } from '$lib/domain/disclosure';
import type { DB } from '../db/connection';
import type { Block, PreventionFacts, StoredCoverage } from './types';

/**
 * What every municipality's public prevention page shows (the semantics of
 * services.dialogues.prevention): the issues its dialogues discussed, the dialogues' public fields
 * (programme, title, year, date; never a place, a summary or a name), its booklets, the share of
 * its commitments done, and the last whole year of each non-sensitive category — as published in
 * this release (a perturbed count, "1–10", or exact hectares).
 */
export function preventionFacts(
	db: DB,
	blocks: ReadonlyMap<string, Block>,
	extents: Readonly<Record<string, { from: string; to: string }>>,
	attributions: Readonly<Record<string, string[]>>,
	coverage: Readonly<Record<string, StoredCoverage>>,
	today: string
): Record<string, PreventionFacts> {
	const places = db
		.prepare(
			`SELECT m.code, m.name, d.name AS department FROM municipalities m
			 JOIN departments d ON d.code = m.department_code ORDER BY m.code`
		)
		.all() as { code: string; name: string; department: string }[];
	const dialogues = new Map<
		string,
		{ programme: string; title: string; year: number; date: string | null; issues: string }[]
	>();
	for (const d of db
		.prepare(
			`SELECT d.municipality_code AS code, d.programme, d.title, d.year, d.date,
				(SELECT json_group_array(category) FROM (SELECT category FROM dialogue_issues WHERE dialogue_id = d.id ORDER BY rank)) AS issues
			 FROM dialogues d ORDER BY d.municipality_code, d.year DESC, d.id`
		)
		.all() as {
		code: string;
		programme: string;
		title: string;
		year: number;
		date: string | null;
		issues: string;
	}[]) {
		dialogues.set(d.code, [...(dialogues.get(d.code) ?? []), d]);
	}
	const booklets = new Map<string, PreventionFacts['booklets']>();
	for (const b of db
		.prepare('SELECT municipality_code AS code, problem, steps, resources FROM booklets ORDER BY id')
		.all() as { code: string; problem: string; steps: string; resources: string | null }[]) {
		booklets.set(b.code, [
			...(booklets.get(b.code) ?? []),
			{ problem: b.problem, steps: JSON.parse(b.steps) as string[], resources: b.resources }
		]);
	}
	const statuses = new Map<string, ReturnType<typeof commitmentStatus>[]>();
	for (const c of db
		.prepare(
			`SELECT d.municipality_code AS code, c.status, c.due_date AS due
			 FROM commitments c JOIN dialogues d ON d.id = c.dialogue_id`
		)
		.all() as { code: string; status: StoredStatus; due: string | null }[]) {
		statuses.set(c.code, [...(statuses.get(c.code) ?? []), commitmentStatus(c.status, c.due, today)]);
	}

	const figureCategories = CATEGORIES.filter(
		(c) => !isSensitiveCategory(c.id) && extents[c.id] && blocks.has(c.id)
	);
	const out: Record<string, PreventionFacts> = {};
	for (const place of places) {
		const held = dialogues.get(place.code) ?? [];
		const named = [...new Set(held.flatMap((d) => JSON.parse(d.issues) as string[]))].filter(isCategoryId);
		const figures: PreventionFacts['figures'] = [];
		for (const cat of figureCategories) {
			const block = blocks.get(cat.id)!;
			const year = lastWholeYear(extents[cat.id]!.to);
			const area = block.areas.indexOf('municipality', place.code);
			// Listed is the same in every period of an area; a year outside the grid had no reports,
			// and a municipality a registry never lists had none (its coverage: absence is zero).
			const listed =
				area >= 0 &&
				(block.table === 'hectares'
					? !Number.isNaN(block.values[area * block.grid.size]!)
					: block.values[area * block.grid.size] !== NO_DATA);
			const zero = coverage[cat.id]?.absence === 'zero';
			if (!listed && !zero) continue;
			const period = listed ? block.grid.indexOf(String(year)) : -1;
			const value = period < 0 ? 0 : block.values[area * block.grid.size + period]!;
			const small = block.table !== 'hectares' && value === SMALL;
			const withheld = block.table !== 'hectares' && value === WITHHELD;
			figures.push({
				category: cat.id,
				year,
				unit: cat.unit,
				value: small || withheld ? null : value,
				display: small ? smallCellDisplay() : withheld ? '—' : null,
				attributions: attributions[cat.id] ?? []
			});
		}
		const done = statuses.get(place.code) ?? [];
		out[place.code] = {
			municipality: place,
			issues: named.map((id) => ({ id, label: categoryById(id).label })),
			dialogues: held.map((d) => ({ programme: d.programme, title: d.title, year: d.year, date: d.date })),
			figures,
			booklets: booklets.get(place.code) ?? [],
			commitments: { total: done.length, shareDone: shareDone(done) }
		};
	}
	return out;
}
