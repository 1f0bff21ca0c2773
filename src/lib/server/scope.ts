import { ServiceError } from './errors';
import {
	canSeeDepartment,
	inJurisdiction,
	jurisdictionFilter,
	jurisdictionParams,
	type JurisdictionFilter
} from './auth/jurisdiction';
import type { Viewer } from './viewer';

/**
 * What part of the country a viewer may see exactly: THE one place where jurisdiction is applied.
 * Services build it once per call with `scopeOf(viewer)` and use its methods, never the codes of
 * a jurisdiction directly:
 *
 *   scope.assertMunicipality(code)      refuse (outside_jurisdiction) before reading anything
 *   scope.keep(rows, (r) => r.code)     rows of municipalities inside it
 *   scope.keepDepartments(rows, …)      departments whose whole aggregate it may see
 *   scope.sqlParams                     bound parameters for the standard SQL clause (jurisdiction.ts)
 *
 * Admins and planners (and the command line) are unrestricted; a provider sees its departments and
 * municipalities; the anonymous public sees no restricted data at all (`isPublic`: public figures
 * come through disclosure control instead).
 */
export class Scope {
	readonly filter: JurisdictionFilter | null;

	constructor(readonly viewer: Viewer) {
		this.filter = jurisdictionFilter(viewer.user);
	}

	/** The anonymous public. */
	get isPublic(): boolean {
		return this.viewer.user === null;
	}

	/** Admins, planners and the command line: the whole country. */
	get unrestricted(): boolean {
		return this.filter === null;
	}

	/** A signed-in role limited to a jurisdiction (today: providers). */
	get isJurisdictional(): boolean {
		return this.viewer.user !== null && this.filter !== null;
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
		if (this.viewer.user !== null && !this.includesMunicipality(code)) {
			throw new ServiceError('outside_jurisdiction', `Municipality ${code} is outside your jurisdiction`);
		}
	}

	/** Refuses an area code (2-digit department or 5-digit municipality) outside the scope. */
	assertArea(code: string): void {
		const inside = code.length === 2 ? this.includesDepartment(code) : this.includesMunicipality(code);
		if (this.viewer.user !== null && !inside) {
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

	/** Bound parameters for the SQL clause documented in auth/jurisdiction.ts. */
	get sqlParams(): ReturnType<typeof jurisdictionParams> {
		return jurisdictionParams(this.filter);
	}
}

export function scopeOf(viewer: Viewer): Scope {
	return new Scope(viewer);
}
