import { propagateBounds } from './bounds';
import { solveExactly, type Recovery } from './exact';
import { feasibleIntervals, type Interval } from './intervals';
import { mulberry32, sampleOf } from './random';
import { readRelease, type Manifest } from './release';
import { CELL, systemOf, type AbsentReading, type AuditSystem } from './system';

/**
 * The independent auditor of a public release: reads only what the public receives (the manifest
 * and the tables) and the rules the public knows, and tries to recover suppressed counts across
 * all tables together — exactly (peeling, linear algebra over the rationals) and by bounds
 * (feasible intervals by linear programming).
 */

export type AuditOptions = {
	/** How many small cells get an LP interval; `all` (the default) for every one. */
	sample?: number | 'all';
	seed?: number;
	absent?: AbsentReading;
	/** Most unknown cells in one LP (see intervals.ts). */
	budget?: number;
	onProgress?: (done: number, total: number) => void;
};

export type Widths = { min: number; p5: number; p50: number; p95: number; max: number };

export type AuditReport = {
	release: Pick<Manifest, 'version' | 'builtAt' | 'method'> & {
		maxAbs: number;
		smallCell: { min: number; max: number };
	};
	absent: AbsentReading;
	tables: { id: string; cells: number; small: number; withheld: number; absent: number }[];
	inconsistentCells: number;
	exact: {
		/** Small cells recovered, by each attack (over every cell of the release). */
		peeling: number;
		linearAlgebra: number;
		contradictions: number;
		components: ReturnType<typeof solveExactly>['components'];
		ms: number;
	};
	intervals: {
		small: number;
		audited: number;
		seed: number | null;
		/** Audited cells whose interval is one value (exact recoveries count here too). */
		recovered: number;
		/** Audited cells whose interval is narrower than the small range the public is told. */
		narrowed: number;
		widths: Widths | null;
		infeasible: number;
		failed: number;
		/** Neighbourhood sizes (unknown cells per LP), and how many were whole components. */
		unknowns: { p50: number; max: number };
		complete: number;
		ms: number;
	};
	/** Bounds propagation over every cell (bounds.ts): small counts pinned, and narrowed. */
	bounds: { recovered: number; narrowed: number; contradictions: number; ms: number };
	/** Every recovered small cell: its name, the value the public can work out, and how. */
	recoveries: { name: string; value: number; by: Recovery['by'] | 'bounds' | 'interval' }[];
	/** The integer interval of every audited cell (NaN ends when its LP failed), in cell order. */
	audited: { name: string; low: number; high: number; outcome: Interval['outcome'] }[];
};

/** Nearest-rank percentile of a non-empty list. */
function percentile(sorted: readonly number[], p: number): number {
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export async function auditRelease(dir: string, options: AuditOptions = {}): Promise<AuditReport> {
	const release = await readRelease(dir);
	const absent = options.absent ?? 'zero';
	const system = systemOf(release, absent);
	const { manifest } = release;
	return auditSystem(system, options, {
		release: {
			version: manifest.version,
			builtAt: manifest.builtAt,
			method: manifest.method,
			maxAbs: manifest.rules.perturbation.maxAbs,
			smallCell: manifest.rules.smallCell
		},
		absent
	});
}

export async function auditSystem(
	system: AuditSystem,
	options: AuditOptions,
	about: Pick<AuditReport, 'release' | 'absent'>
): Promise<AuditReport> {
	const tables = system.tableIds.map((id) => ({ id, cells: 0, small: 0, withheld: 0, absent: 0 }));
	const small: number[] = [];
	for (let i = 0; i < system.size; i++) {
		const t = tables[system.table[i]!]!;
		t.cells++;
		if (system.status[i] === CELL.small) {
			t.small++;
			small.push(i);
		}
		if (system.status[i] === CELL.withheld) t.withheld++;
		if (system.status[i] === CELL.absent) t.absent++;
	}

	let started = performance.now();
	const exact = solveExactly(system);
	const exactMs = performance.now() - started;
	const isSmall = (r: Recovery) => system.status[r.cell] === CELL.small;
	const exactSmall = exact.recovered.filter(isSmall);

	started = performance.now();
	const bounds = propagateBounds(system, exact.known);
	const boundsMs = performance.now() - started;
	const byBounds = small.filter((c) => Number.isNaN(exact.known[c]) && bounds.lo[c] === bounds.hi[c]);
	const narrowedByBounds = small.filter((c) => bounds.hi[c]! - bounds.lo[c]! < system.hi[c]! - system.lo[c]!);

	const seed = options.seed ?? 1;
	const sampled = options.sample === undefined || options.sample === 'all' || options.sample >= small.length;
	const targets = sampled ? small : sampleOf(small, options.sample as number, mulberry32(seed));
	targets.sort((a, b) => a - b);
	// Cells already recovered exactly are points; only the others need an LP.
	const open = targets.filter((cell) => Number.isNaN(exact.known[cell]));
	started = performance.now();
	const solved = await feasibleIntervals(system, bounds, open, {
		budget: options.budget,
		onCell: options.onProgress
	});
	const lpMs = performance.now() - started;

	const intervals: Interval[] = [
		...targets
			.filter((cell) => !Number.isNaN(exact.known[cell]))
			.map((cell): Interval => {
				const v = exact.known[cell]!;
				return {
					cell,
					min: v,
					max: v,
					low: v,
					high: v,
					width: 0,
					outcome: 'bounded',
					unknowns: 0,
					complete: true
				};
			}),
		...solved
	];
	const bounded = intervals.filter((i) => i.outcome === 'bounded');
	const widths = bounded.map((i) => i.width).sort((a, b) => a - b);
	const { min, max } = about.release.smallCell;
	const sizes = solved.map((i) => i.unknowns).sort((a, b) => a - b);
	const byInterval = solved.filter(
		(i) => i.outcome === 'bounded' && i.width === 0 && bounds.lo[i.cell] !== bounds.hi[i.cell]
	);

	return {
		...about,
		tables,
		inconsistentCells: system.inconsistentCells,
		exact: {
			peeling: exactSmall.filter((r) => r.by === 'peeling').length,
			linearAlgebra: exactSmall.filter((r) => r.by === 'linear algebra').length,
			contradictions: exact.contradictions,
			components: exact.components,
			ms: exactMs
		},
		bounds: {
			recovered: byBounds.length,
			narrowed: narrowedByBounds.length,
			contradictions: bounds.contradictions,
			ms: boundsMs
		},
		intervals: {
			small: small.length,
			audited: targets.length,
			seed: sampled ? null : seed,
			recovered: widths.filter((w) => w === 0).length,
			narrowed: widths.filter((w) => w < max - min).length,
			widths:
				widths.length === 0
					? null
					: {
							min: widths[0]!,
							p5: percentile(widths, 5),
							p50: percentile(widths, 50),
							p95: percentile(widths, 95),
							max: widths[widths.length - 1]!
						},
			infeasible: intervals.filter((i) => i.outcome === 'infeasible').length,
			failed: intervals.filter((i) => i.outcome === 'failed').length,
			unknowns: { p50: sizes.length ? percentile(sizes, 50) : 0, max: sizes.at(-1) ?? 0 },
			complete: solved.filter((i) => i.complete).length,
			ms: lpMs
		},
		audited: intervals
			.sort((a, b) => a.cell - b.cell)
			.map((i) => ({ name: system.name(i.cell), low: i.low, high: i.high, outcome: i.outcome })),
		recoveries: [
			...exactSmall.map((r) => ({ name: system.name(r.cell), value: r.value, by: r.by })),
			...byBounds.map((c) => ({ name: system.name(c), value: bounds.lo[c]!, by: 'bounds' as const })),
			...byInterval.map((i) => ({ name: system.name(i.cell), value: i.low, by: 'interval' as const }))
		]
	};
}

const n = (value: number) => value.toLocaleString('en');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The figures as the command line prints them. */
export function formatReport(report: AuditReport, listRecoveries = 10): string {
	const { release, exact, intervals: lp } = report;
	const lines = [
		`Release ${release.version} (${release.method}, built ${release.builtAt}): small cells ${release.smallCell.min}–${release.smallCell.max}, perturbation ±${release.maxAbs}; cells the release does not list read as ${report.absent === 'zero' ? 'zero' : 'unknown'}`,
		...report.tables.map(
			(t) =>
				`  ${t.id}: ${n(t.cells)} cells, ${n(t.small)} small, ${n(t.withheld)} withheld, ${n(t.absent)} not listed`
		)
	];
	if (report.inconsistentCells > 0) {
		lines.push(`  ${n(report.inconsistentCells)} published values break the published rules`);
	}
	const c = exact.components;
	lines.push(
		`Exact attacks on every cell (${seconds(exact.ms)}): peeling recovered ${n(exact.peeling)}, linear algebra ${n(exact.linearAlgebra)} small counts; ${n(exact.contradictions)} contradictions`,
		`  components of the equality system: ${n(c.solved)} solved, ${n(c.homogeneous)} homogeneous (cannot fix a count ≥ 1), ${n(c.tooLarge)} too large; largest ${n(c.largest)} unknowns`
	);
	lines.push(
		`Bounds propagation on every cell (${seconds(report.bounds.ms)}): ${n(report.bounds.recovered)} more small counts recovered, ${n(report.bounds.narrowed)} narrowed; ${n(report.bounds.contradictions)} contradictions`
	);
	const sample = lp.seed === null ? 'every' : `a random sample (seed ${lp.seed}) of`;
	lines.push(
		`Feasible intervals by LP (HiGHS) for ${sample} ${n(lp.audited)} of ${n(lp.small)} small cells (${seconds(lp.ms)}):`,
		`  recovered (min = max): ${n(lp.recovered)}; narrower than ${release.smallCell.min}–${release.smallCell.max}: ${n(lp.narrowed)}`,
		lp.widths
			? `  widths: min ${lp.widths.min} · p5 ${lp.widths.p5} · p50 ${lp.widths.p50} · p95 ${lp.widths.p95} · max ${lp.widths.max}`
			: '  widths: none',
		`  LP size: median ${n(lp.unknowns.p50)}, max ${n(lp.unknowns.max)} unknowns; ${n(lp.complete)} whole components; ${n(lp.infeasible)} infeasible, ${n(lp.failed)} failed`
	);
	if (report.recoveries.length > 0) {
		lines.push(`Recovered small counts (${n(report.recoveries.length)}):`);
		for (const r of report.recoveries.slice(0, listRecoveries))
			lines.push(`  ${r.name} = ${r.value} (${r.by})`);
		if (report.recoveries.length > listRecoveries)
			lines.push(`  … ${n(report.recoveries.length - listRecoveries)} more`);
	}
	return lines.join('\n');
}

/** Every small count the public can work out, exactly or by bounds, among those audited. */
export const recoveredCount = (report: AuditReport) => report.recoveries.length;

/**
 * Why a release fails the audit, or an empty list when it passes: a small count recovered (by any
 * attack, over every cell or among the audited ones), an audited interval narrower than
 * `minWidth` (default 1: only a single value fails; the rules accept narrowing, see
 * docs/disclosure.md), or a release the auditor could not check (published values that break the
 * published rules, contradictions, LPs without an answer).
 */
export function failuresOf(report: AuditReport, minWidth = 1): string[] {
	const out: string[] = [];
	const lp = report.intervals;
	const recovered = Math.max(report.recoveries.length, lp.recovered);
	if (recovered > 0) out.push(`${n(recovered)} small counts recovered`);
	if (minWidth > 1) {
		const narrow = report.audited.filter((c) => c.outcome === 'bounded' && c.high - c.low < minWidth).length;
		if (narrow > 0) out.push(`${n(narrow)} audited intervals narrower than ${minWidth}`);
	}
	if (report.inconsistentCells > 0)
		out.push(`${n(report.inconsistentCells)} published values break the rules`);
	const contradictions = report.exact.contradictions + report.bounds.contradictions;
	if (contradictions > 0) out.push(`${n(contradictions)} contradictions between published values`);
	if (lp.infeasible + lp.failed > 0) out.push(`${n(lp.infeasible + lp.failed)} LPs infeasible or failed`);
	return out;
}
