import { monthIndex } from '$lib/domain/monthly-cube';
import type { CategoryCoverage } from '$lib/domain/coverage';
import type { PopulationTable } from '$lib/domain/denominators';
import { DISCLOSURE } from '../../config/disclosure';
import { GROUP_MEMBERS } from './build';
import type { Release, StoredCoverage } from './types';

/**
 * The release's coverage of each category (kept in its facts when it is built, so the public's
 * answers say what they cover without reading the database) and its population table.
 */

export function storedCoverages(
	coverages: ReadonlyMap<string, CategoryCoverage>
): Record<string, StoredCoverage> {
	const out: Record<string, StoredCoverage> = {};
	for (const [category, c] of coverages) {
		out[category] = {
			first: c.range.first,
			last: c.range.last,
			precision: c.precision,
			absence: c.absence,
			departments: Object.fromEntries(c.departments),
			...(c.gaps && c.gaps.length > 0 ? { gaps: c.gaps.map((g) => ({ ...g })) } : {})
		};
	}
	return out;
}

const cache = new WeakMap<
	Release,
	{ coverage: Map<string, CategoryCoverage>; population: PopulationTable }
>();

function derived(release: Release) {
	let d = cache.get(release);
	if (!d) {
		const coverage = new Map<string, CategoryCoverage>();
		for (const [category, e] of Object.entries(release.facts.extents)) {
			const stored = release.facts.coverage?.[category];
			coverage.set(
				category,
				stored
					? {
							range: { first: stored.first, last: stored.last },
							precision: stored.precision,
							absence: stored.absence,
							departments: new Map(Object.entries(stored.departments)),
							...(stored.gaps ? { gaps: stored.gaps } : {})
						}
					: {
							range: { first: monthIndex(e.from), last: monthIndex(e.to) },
							precision: 'month',
							absence: 'unknown',
							departments: new Map()
						}
			);
		}
		// The fixed group sums its members whatever they cover: it covers the hull of their months.
		const members = GROUP_MEMBERS.map((c) => coverage.get(c)).filter((c) => c !== undefined);
		if (members.length > 0) {
			coverage.set(DISCLOSURE.nonSensitiveGroup, {
				range: {
					first: Math.min(...members.map((c) => c.range.first)),
					last: Math.max(...members.map((c) => c.range.last))
				},
				precision: members.every((c) => c.precision === 'year') ? 'year' : 'month',
				absence: members.some((c) => c.absence === 'zero') ? 'zero' : 'unknown',
				departments: new Map()
			});
		}
		const years = Object.keys(release.facts.populationByYear)
			.map(Number)
			.sort((a, b) => a - b);
		const population: PopulationTable = {
			years,
			byYear: new Map(years.map((y) => [y, release.facts.populationByYear[y]!])),
			census: release.facts.census
		};
		d = { coverage, population };
		cache.set(release, d);
	}
	return d;
}

/** A category's coverage in the release (the fixed group's: the hull of its members'). */
export function releaseCoverage(release: Release, category: string): CategoryCoverage | undefined {
	return derived(release).coverage.get(category);
}

export function releasePopulation(release: Release): PopulationTable {
	return derived(release).population;
}
