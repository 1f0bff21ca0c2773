import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRelease, failuresOf, type AuditReport } from '../../scripts/audit/audit';
import { main } from '../../scripts/audit/cli';
import { buildFixtureRelease, type FixtureRelease } from '../../src/lib/server/release/fixture';

/**
 * CI's audit of the real release builder (issue 19): the synthetic country of
 * src/lib/server/release/fixture.ts is built by buildRelease and exported by writeExport, exactly
 * as `npm run release:export` does, and the auditor reads only the exported files. The truth comes
 * from the fixture's reports, never from the builder.
 */

let dir: string;
let fixture: FixtureRelease;
let report: AuditReport;

/** The fixture's truth key of an auditor cell name (`issues municipality 05001 2023-01 homicide`). */
function truthOf(name: string): number | undefined {
	const [, level, code, period, category] = name.split(' ');
	return fixture.truth.get(`${category}|${level}|${code}|${period}`);
}

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-audit-release-'));
	fixture = await buildFixtureRelease(19, dir);
	report = await auditRelease(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('auditor on a release built by the real builder', () => {
	it('reads every table of the export and finds the small cells the truth says are there', () => {
		expect(report.release.method).toBe('cell-key');
		expect(report.release.maxAbs).toBeGreaterThan(0);
		expect(report.tables.map((t) => t.id)).toEqual(['issues', 'sensitive']);
		// Every cell the auditor reads as small is a true count from 1 to 10.
		const small = report.audited.map((c) => truthOf(c.name));
		expect(small.length).toBeGreaterThan(1000);
		expect(small.filter((t) => t === undefined || t < 1 || t > 10)).toEqual([]);
	});

	it('recovers no small count, by any attack', () => {
		expect(report.exact.peeling).toBe(0);
		expect(report.exact.linearAlgebra).toBe(0);
		expect(report.bounds.recovered).toBe(0);
		expect(report.intervals.recovered).toBe(0);
		expect(report.recoveries).toEqual([]);
		expect(failuresOf(report)).toEqual([]);
	});

	it('computes the LP interval of every suppressed cell, each containing the true count', () => {
		expect(report.intervals.audited).toBe(report.intervals.small);
		expect(report.intervals.failed + report.intervals.infeasible).toBe(0);
		expect(report.audited.every((c) => c.outcome === 'bounded' && c.high > c.low)).toBe(true);
		const outside = report.audited.filter((c) => {
			const t = truthOf(c.name)!;
			return !(c.low <= t && t <= c.high);
		});
		expect(outside).toEqual([]);
		expect(report.intervals.widths!.min).toBeGreaterThanOrEqual(1);
	});

	it('passes on the command line (exit code 0)', async () => {
		const out: string[] = [];
		expect(await main([dir, '--sample', '100'], (line) => out.push(line))).toBe(0);
		expect(out.at(-1)).toBe('PASS: no small count recovered.');
	});
});

/**
 * The pattern the auditor found in the real release (a total published at the bottom of its noise
 * above many "1–10" parts, each at least 1): a sparse fixture where every count is one victim in a
 * few municipality-months makes it common. Built without the builder's guard, bounds propagation
 * pins hundreds of small counts; with it, none, and the LP leaves every sampled cell at least three
 * possible values (the guard's minimum width, 2).
 */
describe('the builder’s guard against bounded inference (sparse fixture)', () => {
	async function audited(guard: false | undefined, sample: number): Promise<[FixtureRelease, AuditReport]> {
		const out = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-audit-sparse-'));
		try {
			const built = await buildFixtureRelease(19, out, { sparse: true, guard });
			return [built, await auditRelease(out, { sample, seed: 19 })];
		} finally {
			fs.rmSync(out, { recursive: true, force: true });
		}
	}

	it('is needed: without it, bounds propagation pins small counts, each equal to the truth', async () => {
		const [built, unguarded] = await audited(false, 0);
		expect(unguarded.bounds.recovered).toBeGreaterThan(50);
		const pinned = unguarded.recoveries.map((r) => {
			const [, level, code, period, category] = r.name.split(' ');
			return [r.value, built.truth.get(`${category}|${level}|${code}|${period}`)];
		});
		expect(pinned.length).toBe(unguarded.bounds.recovered);
		expect(pinned.filter(([value, truth]) => value !== truth)).toEqual([]);
	});

	it('withholds what pins them: nothing recovered by any attack, LP widths at least 2', async () => {
		const [, guarded] = await audited(undefined, 150);
		expect(guarded.exact.peeling + guarded.exact.linearAlgebra).toBe(0);
		expect(guarded.bounds.recovered).toBe(0);
		expect(guarded.intervals.recovered).toBe(0);
		expect(guarded.intervals.audited).toBe(150);
		expect(guarded.intervals.widths!.min).toBeGreaterThanOrEqual(2);
		expect(failuresOf(guarded)).toEqual([]);
	});
});
