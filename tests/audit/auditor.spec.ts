import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRelease, auditSystem, failuresOf, type AuditReport } from '../../scripts/audit/audit';
import { main } from '../../scripts/audit/cli';
import { writeFixtureRelease, type Fixture } from '../../scripts/audit/fixture';
import { handSystem } from '../../scripts/audit/system';

/**
 * The independent auditor (scripts/audit) against releases whose truth is known: the auditor's
 * own synthetic releases (scripts/audit/fixture.ts), published naively and with cell-key noise.
 * Every figure it claims is checked against the truth, so a passing run means the attacks are
 * both strong (they break naive publication) and sound (nothing reported is false).
 */

const ABOUT = {
	release: {
		version: 'hand',
		builtAt: '',
		method: 'hand',
		maxAbs: 0,
		smallCell: { min: 1, max: 10 }
	},
	absent: 'zero'
} as const;

let work: string;
beforeAll(() => {
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-audit-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Every recovery equals the truth, and every audited interval contains it. */
function expectSound(report: AuditReport, truth: ReadonlyMap<string, number>) {
	const wrong = report.recoveries.filter((r) => truth.get(r.name) !== r.value);
	expect(wrong).toEqual([]);
	const outside = report.audited.filter((c) => {
		const t = truth.get(c.name)!;
		return !(c.low <= t && t <= c.high);
	});
	expect(outside).toEqual([]);
}

describe('auditor on a hand-written system', () => {
	it('solves by linear algebra what peeling cannot: three pairwise sums', async () => {
		// x + y = 3, y + z = 5, x + z = 4: every relation has two unknowns, so subtraction alone
		// gets nowhere; the system as a whole fixes x = 1, y = 2, z = 3.
		const system = handSystem(
			[
				{ id: 'xy', lo: 3, hi: 3 },
				{ id: 'yz', lo: 5, hi: 5 },
				{ id: 'xz', lo: 4, hi: 4 },
				{ id: 'x', lo: 1, hi: 10 },
				{ id: 'y', lo: 1, hi: 10 },
				{ id: 'z', lo: 1, hi: 10 }
			],
			[
				{ total: 'xy', parts: ['x', 'y'] },
				{ total: 'yz', parts: ['y', 'z'] },
				{ total: 'xz', parts: ['x', 'z'] }
			]
		);
		const report = await auditSystem(system, {}, ABOUT);
		expect(report.exact.peeling).toBe(0);
		expect(report.exact.linearAlgebra).toBe(3);
		expect(report.recoveries.map((r) => `${r.name}=${r.value}`).sort()).toEqual(['x=1', 'y=2', 'z=3']);
	});

	it('bounds a cell by LP, and recovers nothing from a total of two small parts', async () => {
		// t = a + b published as 12: a and b are each in 2–10 and nothing fixes either.
		const system = handSystem(
			[
				{ id: 't', lo: 12, hi: 12 },
				{ id: 'a', lo: 1, hi: 10 },
				{ id: 'b', lo: 1, hi: 10 }
			],
			[{ total: 't', parts: ['a', 'b'] }]
		);
		const report = await auditSystem(system, {}, ABOUT);
		expect(report.recoveries).toEqual([]);
		expect(report.audited).toEqual([
			{ name: 'a', low: 2, high: 10, outcome: 'bounded' },
			{ name: 'b', low: 2, high: 10, outcome: 'bounded' }
		]);
		expect(failuresOf(report)).toEqual([]);
		expect(failuresOf(report, 9)).toEqual(['2 audited intervals narrower than 9']);
	});
});

describe('auditor on naive per-answer suppression', () => {
	let fixture: Fixture;
	let report: AuditReport;
	beforeAll(async () => {
		fixture = writeFixtureRelease(path.join(work, 'naive'), { seed: 7, method: 'naive' });
		report = await auditRelease(fixture.dir);
	});

	it('recovers exact small counts by peeling and by LP, every one of them true', () => {
		const smallTruth = [...fixture.truth.values()].filter((t) => t >= 1 && t <= 10).length;
		expect(report.intervals.small).toBe(smallTruth);
		expect(report.exact.peeling).toBeGreaterThan(100);
		// The LP sees every small cell and pins at least those the exact attacks found.
		expect(report.intervals.audited).toBe(report.intervals.small);
		expect(report.intervals.recovered).toBeGreaterThanOrEqual(
			report.exact.peeling + report.exact.linearAlgebra
		);
		expect(report.intervals.failed + report.intervals.infeasible).toBe(0);
		expectSound(report, fixture.truth);
	});

	it('fails the release on the command line (exit code 1)', async () => {
		const out: string[] = [];
		expect(await main([fixture.dir, '--sample', '50', '--seed', '3'], (line) => out.push(line))).toBe(1);
		expect(out.at(-1)).toMatch(/^FAIL: [\d,]+ small counts recovered/);
		expect(out.join('\n')).toContain('a random sample (seed 3) of 50 of');
	});
});

describe('auditor on cell-key perturbation', () => {
	let fixture: Fixture;
	let report: AuditReport;
	beforeAll(async () => {
		fixture = writeFixtureRelease(path.join(work, 'cell-key'), { seed: 7, method: 'cell-key' });
		report = await auditRelease(fixture.dir);
	});

	it('recovers nothing by subtraction or linear algebra: every total carries its own noise', () => {
		expect(report.exact.peeling).toBe(0);
		expect(report.exact.linearAlgebra).toBe(0);
		expect(report.exact.contradictions + report.bounds.contradictions).toBe(0);
		expect(report.inconsistentCells).toBe(0);
	});

	it('computes an LP interval for every small cell, each containing the true count', () => {
		expect(report.intervals.audited).toBe(report.intervals.small);
		expect(report.intervals.failed + report.intervals.infeasible).toBe(0);
		expect(report.audited.every((c) => c.outcome === 'bounded')).toBe(true);
		// Whatever bounded reasoning does pin (noise at ±maxAbs next to small parts of at least 1,
		// see docs/disclosure.md) must be the truth: the auditor makes no false claims.
		expectSound(report, fixture.truth);
	});
});
