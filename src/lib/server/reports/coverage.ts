import { combineSources, SourceCoverage, type CategoryCoverage } from '$lib/domain/coverage';
import { monthLabel } from '$lib/domain/monthly-cube';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { resolveShippedMapping } from '../import/mappings';

/**
 * The coverage of every category, from the sources imported into it (domain/coverage.ts): the
 * coverage each batch's mapping declared (stored with the batch), or for a batch stored before that
 * its shipped mapping's; a source that declares none covers the months it has data for, by month,
 * and its absences are unknown.
 */
export function categoryCoverages(
	db: DB,
	extentOf: (category: string) => { first: number; last: number } | null
): Map<string, CategoryCoverage> {
	const byCategory = new Map<string, SourceCoverage[]>();
	const batches = statement(
		db,
		'SELECT mapping_id AS mapping, categories, coverage FROM import_batches'
	).all() as {
		mapping: string;
		categories: string;
		coverage: string | null;
	}[];
	for (const b of batches) {
		const declared = b.coverage !== null ? parseStored(b.coverage) : shippedCoverage(b.mapping);
		for (const category of JSON.parse(b.categories) as string[]) {
			const extent = extentOf(category);
			const coverage =
				declared ??
				(extent
					? SourceCoverage.parse({
							from: monthLabel(extent.first),
							to: monthLabel(extent.last),
							precision: 'month',
							absence: 'unknown'
						})
					: null);
			if (coverage) byCategory.set(category, [...(byCategory.get(category) ?? []), coverage]);
		}
	}
	const out = new Map<string, CategoryCoverage>();
	for (const [category, list] of byCategory) out.set(category, combineSources(list)!);
	return out;
}

function parseStored(json: string): SourceCoverage | null {
	const parsed = SourceCoverage.safeParse(JSON.parse(json));
	return parsed.success ? parsed.data : null;
}

const shipped = new Map<string, SourceCoverage | null>();

function shippedCoverage(mappingId: string): SourceCoverage | null {
	if (!shipped.has(mappingId)) {
		let coverage: SourceCoverage | null = null;
		try {
			coverage = resolveShippedMapping(mappingId).coverage ?? null;
		} catch {
			// An uploaded mapping that is not shipped: its batch declared no coverage.
		}
		shipped.set(mappingId, coverage);
	}
	return shipped.get(mappingId)!;
}
