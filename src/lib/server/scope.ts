import { publishedMunicipalityCount } from '$lib/domain/release/outside-counts';
import { DISCLOSURE } from '../config/disclosure';
import { ServiceError } from './errors';
import {
	canSeeDepartment,
	inJurisdiction,
	jurisdictionFilter,
	jurisdictionParams,
	type JurisdictionFilter
} from './auth/jurisdiction';
import type { ReleaseService } from './release/service';
import { publicExtent } from './release/slices';
import { releaseCoverage } from './release/coverage';
import type { CoverageOf, StatsQuery, StatsService } from './stats/stats';
import type { Viewer } from './viewer';

/** What figures are computed from: the exact statistics index and the current public release. */
export type ScopeSources = { readonly stats: StatsService; readonly release: ReleaseService };

/** Months with data per category and the sources behind each (the shape of `stats.extent()`). */
export type Extent = ReturnType<StatsService['extent']>;

/**
 * What part of the country a viewer may see exactly: THE one place where jurisdiction is applied.
 * Services build it once per call with `scopeOf(viewer)` and use its methods, never the codes of
 * a jurisdiction directly:
 *
 *   scope.assertMunicipality(code)      refuse (outside_jurisdiction) before reading anything
 *   scope.keep(rows, (r) => r.code)     rows of municipalities inside it
 *   scope.keepDepartments(rows, …)      departments whose whole aggregate it may see
 *   scope.sqlParams                     bound parameters for the standard SQL clause (jurisdiction.ts)
 *   scope.countView(sources, query)     the counts a restricted figure is computed from
 *   scope.extent(sources)               the months with data that default periods come from
 *
 * Admins and planners (and the command line) are unrestricted; a provider sees its departments and
 * municipalities; the anonymous public sees no restricted data at all (`isPublic`: public figures
 * come through disclosure control instead). A reporter (issue 18) is not a security provider: for
 * official data it is the public (`isPublic`), and only its community reports are scoped to its
 * jurisdiction (community/service.ts, `communityFilter`).
 *
 * Scope rule (issue 14): every figure a jurisdictional viewer receives is a function only of the
 * exact data of municipalities inside its jurisdiction and of what the public release publishes.
 * Filtering the rows of a national computation is not enough — a border municipality's local
 * smoothed rate or local Moran encodes its outside neighbours' exact counts — so statistics that
 * borrow from other areas are computed on `countView`, and default periods come from `extent`.
 * Reference data that is public anyway (boundaries, neighbours, populations) is used as it is.
 * tests/api/scope.spec.ts changes exact outside data under a fixed release and checks that no
 * answer of a provider changes.
 */
export class Scope {
	readonly filter: JurisdictionFilter | null;

	constructor(readonly viewer: Viewer) {
		this.filter = jurisdictionFilter(viewer.user);
	}

	/** The anonymous public, and reporters, who get the public's official figures. */
	get isPublic(): boolean {
		return this.viewer.user === null || this.viewer.user.role === 'reporter';
	}

	/** Admins, planners and the command line: the whole country. */
	get unrestricted(): boolean {
		return this.filter === null;
	}

	/** A signed-in role limited to a jurisdiction for exact official data (providers). */
	get isJurisdictional(): boolean {
		return !this.isPublic && this.filter !== null;
	}

	includesMunicipality(code: string): boolean {
		return inJurisdiction(this.filter, code);
	}

	/** A department's aggregate only when the whole department is inside (not just some of it). */
	includesDepartment(code: string): boolean {
		return canSeeDepartment(this.viewer.user, code);
	}

	/** Refuses (outside_jurisdiction) a municipality a signed-in viewer may not see. */
	assertMunicipality(code: string): void {
		if (!this.isPublic && !this.includesMunicipality(code)) {
			throw new ServiceError('outside_jurisdiction', `Municipality ${code} is outside your jurisdiction`);
		}
	}

	/** Refuses an area code (2-digit department or 5-digit municipality) outside the scope. */
	assertArea(code: string): void {
		const inside = code.length === 2 ? this.includesDepartment(code) : this.includesMunicipality(code);
		if (!this.isPublic && !inside) {
			throw new ServiceError('outside_jurisdiction', `Area ${code} is outside your jurisdiction`);
		}
	}

	/** Municipality rows inside the scope (all of them for unrestricted viewers). */
	keep<T>(rows: readonly T[], codeOf: (row: T) => string): T[] {
		return this.filter === null ? [...rows] : rows.filter((row) => this.includesMunicipality(codeOf(row)));
	}

	/** Department rows whose whole aggregate the viewer may see. */
	keepDepartments<T>(rows: readonly T[], codeOf: (row: T) => string): T[] {
		return this.filter === null ? [...rows] : rows.filter((row) => this.includesDepartment(codeOf(row)));
	}

	/**
	 * What the sources cover, for the windows and notes of a restricted figure: the exact index's
	 * for unrestricted viewers (undefined), the public release's for the others, since a coverage
	 * derived from the months with data anywhere in the country is a fact about outside data.
	 */
	coverageOf(sources: ScopeSources): CoverageOf | undefined {
		if (this.unrestricted) return undefined;
		const release = sources.release.current();
		return (category) => releaseCoverage(release, category);
	}

	/**
	 * Counts per municipality (null: no data) that a restricted figure may be computed from: exact
	 * inside the scope, the public release's outside it, by the fixed rules of
	 * domain/release/outside-counts.ts (suppressed cells count as the small range's midpoint;
	 * categories the release has no municipality cells for leave outside municipalities missing).
	 * Undefined for unrestricted viewers: their figures use the exact counts.
	 */
	countView(sources: ScopeSources, query: StatsQuery): ReadonlyMap<string, number | null> | undefined {
		if (this.unrestricted) return undefined;
		const exact = sources.stats.municipalities(query, 'count', 'global', undefined, this.coverageOf(sources));
		const release = sources.release.current();
		const blocks = query.categories.map((c) => release.blocks.get(c));
		const small = (DISCLOSURE.smallCell.min + DISCLOSURE.smallCell.max) / 2;
		return new Map(
			exact.map((a) => [
				a.code,
				this.includesMunicipality(a.code)
					? a.count
					: publishedMunicipalityCount(blocks, a.code, query.from, query.to, small)
			])
		);
	}

	/**
	 * Months with data per category, for default periods: the exact index for unrestricted
	 * viewers; the public release's for the others, since the last month with any report in the
	 * country is a fact about outside data too.
	 */
	extent(sources: ScopeSources): Extent {
		if (this.unrestricted) return sources.stats.extent();
		const { release: _version, ...extent } = publicExtent(sources.release.current());
		return extent;
	}

	/** Bound parameters for the SQL clause documented in auth/jurisdiction.ts. */
	get sqlParams(): ReturnType<typeof jurisdictionParams> {
		return jurisdictionParams(this.filter);
	}
}

export function scopeOf(viewer: Viewer): Scope {
	return new Scope(viewer);
}
