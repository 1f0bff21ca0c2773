import type { AuditSystem } from './system';

/**
 * Exact attacks on the intruder's system: subtraction along single relations (peeling), then
 * every relation at once by exact linear algebra over the rationals. Both use only values the
 * public knows exactly: every published value when the rules say maxAbs = 0, and published zeros
 * (and whatever these attacks recover) otherwise.
 */

export type Recovery = { cell: number; value: number; by: 'peeling' | 'linear algebra' };

export type ExactResult = {
	/** The exact value of each cell where the public knows it or an attack recovered it; NaN elsewhere. */
	known: Float64Array;
	recovered: Recovery[];
	/** Relations whose exact values disagree, or recovered values outside what the rules allow. */
	contradictions: number;
	components: {
		/** Components whose known values are all zero: nothing in them can be a recovered count ≥ 1. */
		homogeneous: number;
		solved: number;
		/** Components left out because they have more unknowns than `maxUnknowns`. */
		tooLarge: number;
		largest: number;
	};
};

export type ExactOptions = { maxUnknowns?: number };

export function solveExactly(system: AuditSystem, options: ExactOptions = {}): ExactResult {
	const known = new Float64Array(system.size).fill(NaN);
	for (let i = 0; i < system.size; i++) if (system.lo[i] === system.hi[i]) known[i] = system.lo[i]!;
	const recovered: Recovery[] = [];
	const contradictions = { count: 0 };
	peel(system, known, recovered, contradictions);
	const components = eliminate(system, known, recovered, contradictions, options.maxUnknowns ?? 20_000);
	return { known, recovered, contradictions: contradictions.count, components };
}

/**
 * Subtraction: a relation with a single unknown gives it (the total minus the other parts, or a
 * part from the total), and each value found may leave another relation with a single unknown.
 * A work list keeps this linear in the size of the relations.
 */
function peel(
	system: AuditSystem,
	known: Float64Array,
	recovered: Recovery[],
	contradictions: { count: number }
) {
	const { start, cells, count, ofCellStart, ofCell } = system.relations;
	const unknowns = new Int32Array(count);
	const queue: number[] = [];
	const checked = new Uint8Array(count);
	const consistent = (k: number) => {
		let sum = 0;
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) sum += known[cells[j]!]!;
		return sum === known[cells[start[k]!]!];
	};
	for (let k = 0; k < count; k++) {
		for (let j = start[k]!; j < start[k + 1]!; j++) if (Number.isNaN(known[cells[j]!])) unknowns[k]!++;
		if (unknowns[k] === 1) queue.push(k);
		if (unknowns[k] === 0) {
			checked[k] = 1;
			if (!consistent(k)) contradictions.count++;
		}
	}
	while (queue.length > 0) {
		const k = queue.pop()!;
		if (unknowns[k] !== 1) continue;
		const total = cells[start[k]!]!;
		let unknown = -1;
		let parts = 0;
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			if (Number.isNaN(known[c])) unknown = c;
			else parts += known[c]!;
		}
		let value: number;
		if (unknown < 0) {
			unknown = total;
			value = parts;
		} else value = known[total]! - parts;
		if (value < system.lo[unknown]! || value > system.hi[unknown]!) {
			// The published values and the rules disagree here; do not build on it.
			contradictions.count++;
			unknowns[k] = -1;
			continue;
		}
		known[unknown] = value;
		recovered.push({ cell: unknown, value, by: 'peeling' });
		for (let j = ofCellStart[unknown]!; j < ofCellStart[unknown + 1]!; j++) {
			const r = ofCell[j]!;
			if (unknowns[r]! < 0) continue;
			unknowns[r]!--;
			if (unknowns[r] === 1) queue.push(r);
			if (unknowns[r] === 0 && !checked[r] && r !== k) {
				checked[r] = 1;
				if (!consistent(r)) contradictions.count++;
			}
		}
	}
}

/** A row of the equality system with integer coefficients: Σ cols[c]·x_c = rhs. */
type Row = { cols: Map<number, bigint>; rhs: bigint };

const abs = (a: bigint) => (a < 0n ? -a : a);
const gcd = (a: bigint, b: bigint): bigint => {
	a = abs(a);
	b = abs(b);
	while (b !== 0n) [a, b] = [b, a % b];
	return a;
};

/**
 * Linear algebra: the direct relations among the cells still unknown, split into connected
 * components, each brought to reduced row echelon form exactly (fraction-free Gauss–Jordan on
 * BigInt rows). An unknown is fixed by the system exactly when its pivot row has no other unknown.
 *
 * A component whose known values are all zero is skipped without solving: its equations are then
 * homogeneous, the true counts are one solution, so any unknown the system fixed would be fixed
 * at 0 — never a count from 1 to 10. With maxAbs > 0 every component is of this kind (the only
 * exact values are published zeros), which keeps the whole-country system cheap.
 */
function eliminate(
	system: AuditSystem,
	known: Float64Array,
	recovered: Recovery[],
	contradictions: { count: number },
	maxUnknowns: number
): ExactResult['components'] {
	const { start, cells, count, direct } = system.relations;
	const parent = new Int32Array(system.size).map((_, i) => i);
	const find = (i: number): number => {
		while (parent[i] !== i) {
			parent[i] = parent[parent[i]!]!;
			i = parent[i]!;
		}
		return i;
	};
	const live: number[] = [];
	for (let k = 0; k < count; k++) {
		if (!direct[k]) continue;
		let first = -1;
		for (let j = start[k]!; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			if (!Number.isNaN(known[c])) continue;
			if (first < 0) first = c;
			else parent[find(c)] = find(first);
		}
		if (first >= 0) live.push(k);
	}
	const byComponent = new Map<number, number[]>();
	for (const k of live) {
		let root = -1;
		for (let j = start[k]!; j < start[k + 1]! && root < 0; j++) {
			if (Number.isNaN(known[cells[j]!])) root = find(cells[j]!);
		}
		const list = byComponent.get(root);
		if (list) list.push(k);
		else byComponent.set(root, [k]);
	}

	const summary = { homogeneous: 0, solved: 0, tooLarge: 0, largest: 0 };
	for (const relationIds of byComponent.values()) {
		const rows: Row[] = [];
		const unknownCells = new Set<number>();
		let homogeneous = true;
		for (const k of relationIds) {
			// total − Σ parts = 0, with the known values moved to the right-hand side.
			const row: Row = { cols: new Map(), rhs: 0n };
			for (let j = start[k]!; j < start[k + 1]!; j++) {
				const c = cells[j]!;
				const sign = j === start[k] ? 1n : -1n;
				if (Number.isNaN(known[c])) {
					row.cols.set(c, (row.cols.get(c) ?? 0n) + sign);
					unknownCells.add(c);
				} else row.rhs -= sign * BigInt(known[c]!);
			}
			if (row.rhs !== 0n) homogeneous = false;
			rows.push(row);
		}
		summary.largest = Math.max(summary.largest, unknownCells.size);
		if (homogeneous) {
			summary.homogeneous++;
			continue;
		}
		if (unknownCells.size > maxUnknowns) {
			summary.tooLarge++;
			continue;
		}
		summary.solved++;
		const { fixed, inconsistent } = gaussJordan(rows);
		contradictions.count += inconsistent;
		for (const [cell, { n, d }] of fixed) {
			const value = Number(n) / Number(d);
			if (n % d !== 0n || value < system.lo[cell]! || value > system.hi[cell]!) {
				contradictions.count++;
				continue;
			}
			known[cell] = value;
			recovered.push({ cell, value, by: 'linear algebra' });
		}
	}
	return summary;
}

/** Reduced row echelon form of a sparse integer system; returns the unknowns it fixes. */
export function gaussJordan(input: readonly Row[]): {
	fixed: Map<number, { n: bigint; d: bigint }>;
	inconsistent: number;
} {
	const pivotRow = new Map<number, Row>();
	// Column → the pivot rows where it appears as a free (non-pivot) entry, for back-substitution.
	const holders = new Map<number, Set<Row>>();
	const hold = (c: number, row: Row) => {
		const set = holders.get(c);
		if (set) set.add(row);
		else holders.set(c, new Set([row]));
	};
	/** target ← a·target − b·source, keeping the holder index of a pivot row up to date. */
	const combine = (target: Row, a: bigint, source: Row, b: bigint, isPivot: boolean) => {
		if (a !== 1n) for (const [c, v] of target.cols) target.cols.set(c, a * v);
		for (const [c, v] of source.cols) {
			const next = (target.cols.get(c) ?? 0n) - b * v;
			const had = target.cols.has(c);
			if (next === 0n) {
				target.cols.delete(c);
				if (isPivot && had) holders.get(c)?.delete(target);
			} else {
				target.cols.set(c, next);
				if (isPivot && !had) hold(c, target);
			}
		}
		target.rhs = a * target.rhs - b * source.rhs;
		let g = abs(target.rhs);
		for (const v of target.cols.values()) g = gcd(g, v);
		if (g > 1n) {
			for (const [c, v] of target.cols) target.cols.set(c, v / g);
			target.rhs /= g;
		}
	};

	let inconsistent = 0;
	for (const original of input) {
		const row: Row = { cols: new Map(original.cols), rhs: original.rhs };
		// Pivot rows hold no other pivot column, so one pass over the row's pivot columns reduces it.
		for (const c of [...row.cols.keys()]) {
			const pivot = pivotRow.get(c);
			const v = row.cols.get(c);
			if (!pivot || v === undefined) continue;
			combine(row, pivot.cols.get(c)!, pivot, v, false);
		}
		if (row.cols.size === 0) {
			if (row.rhs !== 0n) inconsistent++;
			continue;
		}
		// The free column held by the fewest pivot rows: the least back-substitution.
		let q = -1;
		let least = Infinity;
		for (const c of row.cols.keys()) {
			const n = holders.get(c)?.size ?? 0;
			if (n < least) [q, least] = [c, n];
		}
		const rq = row.cols.get(q)!;
		for (const other of [...(holders.get(q) ?? [])]) combine(other, rq, row, other.cols.get(q)!, true);
		holders.delete(q);
		pivotRow.set(q, row);
		for (const c of row.cols.keys()) if (c !== q) hold(c, row);
	}
	const fixed = new Map<number, { n: bigint; d: bigint }>();
	for (const [q, row] of pivotRow) {
		if (row.cols.size !== 1) continue;
		let d = row.cols.get(q)!;
		let n = row.rhs;
		if (d < 0n) [n, d] = [-n, -d];
		fixed.set(q, { n, d });
	}
	return { fixed, inconsistent };
}
