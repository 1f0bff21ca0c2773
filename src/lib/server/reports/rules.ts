import { categoryById, type CategoryId, type Unit } from '$lib/domain/categories';
import { gridGrain, monthIndex } from '$lib/domain/monthly-cube';
import { ServiceError } from '../errors';
import type { Extent } from '../scope';
import type { StatsQuery } from '../stats/stats';

/**
 * What may be asked of the figures of reported issues, whoever asks: the period a query covers,
 * which categories may be added together, and the whole periods the public sees
 * (docs/disclosure.md).
 */

/**
 * The period of a query as month indices; a missing end defaults to the first (last) month with
 * data in any of the categories, as the caller may know them (`Scope.extent`: a provider's come
 * from the public release).
 */
export function periodOf(
	extent: Pick<Extent, 'categories'>,
	p: { categories: readonly CategoryId[]; from?: string; to?: string }
): StatsQuery {
	const known = p.categories.map((c) => extent.categories[c]).filter((e) => e !== undefined);
	const fallbackFrom = known.length ? known.map((e) => e.from).sort()[0]! : '2000-01';
	const fallbackTo = known.length
		? known
				.map((e) => e.to)
				.sort()
				.at(-1)!
		: '2000-01';
	const from = monthIndex(p.from ?? fallbackFrom);
	const to = monthIndex(p.to ?? fallbackTo);
	if (to < from) throw new ServiceError('invalid_request', '`to` is before `from`');
	return { categories: p.categories, from, to };
}

/**
 * Victims, cases and people are all counts of people or events and may be summed ("reports");
 * hectares may not be added to them, and have no rate per inhabitant.
 */
export function assertSummable(categories: readonly CategoryId[], measure: string): void {
	const units = new Set(categories.map((c) => categoryById(c).unit));
	if (units.has('hectares') && units.size > 1) {
		throw new ServiceError(
			'mixed_units',
			`These categories count different things (${[...units].join(', ')}): hectares cannot be added to counts of people or events`
		);
	}
	if (measure !== 'count' && units.has('hectares')) {
		throw new ServiceError(
			'no_rate',
			'Hectares (coca, mining) are measured against area, not inhabitants: a rate per 100,000 inhabitants, its smoothing and the spatial statistics on it are refused; use measure=count (hectares), or relate them to area (share of the municipality, hectares per km²)'
		);
	}
}

/** The unit of a sum: the categories' own when they share one, else "reports". */
export function unitOf(categories: readonly CategoryId[]): Unit | 'reports' {
	const units = new Set(categories.map((c) => categoryById(c).unit));
	return units.size === 1 ? [...units][0]! : 'reports';
}

/** The grid cell (whole month, quarter or year) a public period must be. */
export function publicGrain(from: number, to: number): 'month' | 'quarter' | 'year' {
	const grain = gridGrain(from, to);
	if (grain) return grain;
	throw new ServiceError(
		'disclosure',
		'The public sees whole months, quarters or years: from and to must span exactly one (e.g. from=2019-01&to=2019-12)'
	);
}
