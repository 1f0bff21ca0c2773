import type { FigureNotes } from '$lib/schemas/coverage';
import {
	coverageNote,
	departmentsWithOwnCoverage,
	describeRange,
	periodCoverage,
	type CategoryCoverage,
	type PeriodCoverage
} from './coverage';
import { denominatorNote, denominatorText, type PopulationTable } from './denominators';
import { monthLabel } from './monthly-cube';

/**
 * What a figure over some categories and months says about itself: the months its sources cover
 * (nationally and where a department differs), the gap in words, per category what its sources
 * are, and the caveats of its denominators. The same for the statistics index and the public
 * release, so a planner and the public read the same words.
 */
export function figureNotes(
	categories: readonly (readonly [string, CategoryCoverage | undefined])[],
	population: PopulationTable,
	from: number,
	to: number
): FigureNotes {
	const coverages = categories.map(([, c]) => c).filter((c) => c !== undefined);
	const national: PeriodCoverage =
		coverages.length < categories.length
			? {
					requested: { first: from, last: to },
					covered: null,
					months: to - from + 1,
					coveredMonths: 0,
					share: 0,
					partial: true
				}
			: periodCoverage(coverages, from, to);
	const departments = departmentsWithOwnCoverage(coverages).flatMap((d) => {
		const c = periodCoverage(coverages, from, to, d);
		const same = c.covered?.first === national.covered?.first && c.covered?.last === national.covered?.last;
		return same
			? []
			: [
					{
						code: d,
						from: c.covered && monthLabel(c.covered.first),
						to: c.covered && monthLabel(c.covered.last)
					}
				];
	});
	const denominator = denominatorNote(population, national.covered);
	const es = denominatorText(denominator, 'es');
	return {
		coverage: {
			from: monthLabel(from),
			to: monthLabel(to),
			covered: national.covered
				? { from: monthLabel(national.covered.first), to: monthLabel(national.covered.last) }
				: null,
			months: national.months,
			coveredMonths: national.coveredMonths,
			share: national.share,
			partial: national.partial,
			label: national.covered
				? { es: describeRange(national.covered, 'es'), en: describeRange(national.covered, 'en') }
				: null,
			note: national.partial
				? { es: coverageNote(national, 'es')!, en: coverageNote(national, 'en')! }
				: null,
			departments,
			categories: Object.fromEntries(
				categories.map(([id, c]) => [
					id,
					c
						? {
								from: monthLabel(c.range.first),
								to: monthLabel(c.range.last),
								precision: c.precision,
								absence: c.absence,
								...(c.gaps && c.gaps.length > 0
									? {
											gaps: c.gaps.map((g) => ({ from: monthLabel(g.first), to: monthLabel(g.last) }))
										}
									: {})
							}
						: null
				])
			)
		},
		denominator: { ...denominator, text: es ? { es, en: denominatorText(denominator, 'en')! } : null }
	};
}
