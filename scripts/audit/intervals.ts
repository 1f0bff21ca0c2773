import loadHighs, { type Highs, type Model } from 'highs';
import type { AuditSystem } from './system';

/**
 * Feasible intervals of suppressed cells by linear programming (HiGHS, compiled to WebAssembly):
 * the smallest and largest value a cell can take in any table of non-negative counts that agrees
 * with every published value, every bound the rules give and every relation the public knows.
 * When the interval is a single integer the intruder knows the count.
 *
 * The LP starts from the bounds that propagation proved (bounds.ts); cells whose bounds meet are
 * constants. Each cell is solved over its neighbourhood: the unknown cells reached from it through
 * relations, breadth first, up to `budget` of them; a relation that reaches past the budget is
 * kept as a ranged constraint with the cells left out replaced by their bounds. Leaving
 * constraints out can only widen an interval, so a bounded neighbourhood errs towards the public
 * knowing less; with the budget above the size of the connected component (the default for small
 * releases) the interval is that of the whole system. The LP relaxation errs the same way: an
 * integer interval is inside [⌈min⌉, ⌊max⌋].
 */

export type Interval = {
	cell: number;
	/** The LP optimum, and the integer interval it implies. */
	min: number;
	max: number;
	low: number;
	high: number;
	/** high − low; 0 means the cell is recovered. */
	width: number;
	outcome: 'bounded' | 'infeasible' | 'failed';
	/** Unknown cells in the LP, and whether they are the whole connected component. */
	unknowns: number;
	complete: boolean;
};

export type IntervalOptions = {
	/** Most unknown cells in one LP. */
	budget?: number;
	/** Called after each cell, for progress. */
	onCell?: (done: number, total: number) => void;
};

const EPS = 1e-6;
let runtime: Promise<Highs> | undefined;
const highs = () => (runtime ??= loadHighs());

type Neighbourhood = {
	cells: number[];
	relations: number[];
	complete: boolean;
};

/** Breadth-first neighbourhood of `target` over the unknown cells (known ones are constants). */
function neighbourhood(
	system: AuditSystem,
	known: Float64Array,
	target: number,
	budget: number,
	mark: Int32Array,
	markRelation: Int32Array,
	stamp: number
): Neighbourhood {
	const { start, cells, direct, ofCellStart, ofCell } = system.relations;
	const queue = [target];
	mark[target] = stamp;
	const relations: number[] = [];
	let complete = true;
	for (let head = 0; head < queue.length; head++) {
		const u = queue[head]!;
		for (let j = ofCellStart[u]!; j < ofCellStart[u + 1]!; j++) {
			const r = ofCell[j]!;
			if (!direct[r] || markRelation[r] === stamp) continue;
			markRelation[r] = stamp;
			relations.push(r);
			for (let k = start[r]!; k < start[r + 1]!; k++) {
				const c = cells[k]!;
				if (mark[c] === stamp || !Number.isNaN(known[c])) continue;
				if (queue.length >= budget) {
					complete = false;
					continue;
				}
				mark[c] = stamp;
				queue.push(c);
			}
		}
	}
	return { cells: queue, relations, complete };
}

type Lp = { model: Model; column: Map<number, number> };

function buildLp(
	h: Highs,
	system: AuditSystem,
	{ lo, hi, known }: { lo: Float64Array; hi: Float64Array; known: Float64Array },
	hood: Neighbourhood
): Lp {
	const { start, cells } = system.relations;
	const column = new Map(hood.cells.map((cell, i) => [cell, i]));
	const rowStarts = [0];
	const indices: number[] = [];
	const values: number[] = [];
	const rowLower: number[] = [];
	const rowUpper: number[] = [];
	for (const r of hood.relations) {
		// total − Σ parts = 0: the LP's columns on the left; known cells and cells outside the
		// neighbourhood (by their bounds) on the right, as a range.
		const coefficient = new Map<number, number>();
		let lower = 0;
		let upper = 0;
		for (let k = start[r]!; k < start[r + 1]!; k++) {
			const c = cells[k]!;
			const sign = k === start[r] ? 1 : -1;
			const col = column.get(c);
			if (col !== undefined) coefficient.set(col, (coefficient.get(col) ?? 0) + sign);
			else if (!Number.isNaN(known[c])) {
				lower -= sign * known[c]!;
				upper -= sign * known[c]!;
			} else {
				// −sign·x with x in [lo, hi] moved to the right-hand side.
				const [a, b] = sign > 0 ? [-hi[c]!, -lo[c]!] : [lo[c]!, hi[c]!];
				lower += a;
				upper += b;
			}
		}
		for (const [col, v] of coefficient) {
			if (v === 0) continue;
			indices.push(col);
			values.push(v);
		}
		rowStarts.push(indices.length);
		rowLower.push(Number.isFinite(lower) ? lower : -h.infinity);
		rowUpper.push(Number.isFinite(upper) ? upper : h.infinity);
	}
	const n = hood.cells.length;
	const model = h.createModel({
		numCols: n,
		numRows: rowLower.length,
		colCost: new Float64Array(n),
		colLower: Float64Array.from(hood.cells, (c) => lo[c]!),
		colUpper: Float64Array.from(hood.cells, (c) => (Number.isFinite(hi[c]) ? hi[c]! : h.infinity)),
		rowLower,
		rowUpper,
		matrix: { format: 'csr', numRows: rowLower.length, numCols: n, starts: rowStarts, indices, values }
	});
	// Only the objective changes between solves: primal simplex restarts from the last optimal
	// basis, which stays feasible (10× fewer iterations than dual simplex with presolve here).
	model.options.set({ output_flag: false, presolve: 'off', simplex_strategy: 4 });
	return { model, column };
}

/**
 * Minimises c·x for c = ±1 on one column: the optimum and the optimal table, or the model status
 * when there is none.
 */
function optimum(
	h: Highs,
	lp: Lp,
	col: number,
	sign: 1 | -1
): { value: number; x: Float64Array } | 'infeasible' | 'failed' {
	lp.model.changeColCost(col, sign);
	try {
		lp.model.run();
		const status = lp.model.getModelStatus();
		if (status === h.constants.modelStatus.optimal) {
			return { value: sign * lp.model.getObjectiveValue(), x: lp.model.getSolution().colValue };
		}
		return status === h.constants.modelStatus.infeasible ? 'infeasible' : 'failed';
	} catch {
		return 'failed';
	} finally {
		lp.model.changeColCost(col, 0);
	}
}

/**
 * A target cell in an LP: the least and greatest value it took in the optima seen so far (each a
 * feasible table), and its interval ends once known.
 */
type Target = { cell: number; col: number; seenMin: number; seenMax: number; min?: number; max?: number };

export async function feasibleIntervals(
	system: AuditSystem,
	bounds: { lo: Float64Array; hi: Float64Array },
	targets: readonly number[],
	options: IntervalOptions = {}
): Promise<Interval[]> {
	const h = await highs();
	const budget = options.budget ?? 50_000;
	const { lo, hi } = bounds;
	// Cells whose bounds meet are constants of every LP.
	const known = Float64Array.from(lo, (l, i) => (l === hi[i] ? l : NaN));
	const mark = new Int32Array(system.size);
	const markRelation = new Int32Array(system.relations.count);
	const out = new Map<number, Interval>();
	let stamp = 0;
	let done = 0;
	const finish = (t: Target, hood: Neighbourhood, outcome?: Interval['outcome']) => {
		const base = { cell: t.cell, unknowns: hood.cells.length, complete: hood.complete };
		if (outcome || t.min === undefined || t.max === undefined) {
			out.set(t.cell, {
				...base,
				min: NaN,
				max: NaN,
				low: NaN,
				high: NaN,
				width: NaN,
				outcome: outcome ?? 'failed'
			});
		} else {
			const low = Math.ceil(t.min - EPS);
			const high = Math.floor(t.max + EPS);
			out.set(t.cell, { ...base, min: t.min, max: t.max, low, high, width: high - low, outcome: 'bounded' });
		}
		options.onCell?.(++done, targets.length);
	};

	for (const cell of targets) {
		if (out.has(cell)) continue;
		if (!Number.isNaN(known[cell])) {
			const v = known[cell]!;
			const hood = { cells: [], relations: [], complete: true };
			finish({ cell, col: -1, seenMin: v, seenMax: v, min: v, max: v }, hood);
			continue;
		}
		const hood = neighbourhood(system, known, cell, budget, mark, markRelation, ++stamp);
		const lp = buildLp(h, system, { lo, hi, known }, hood);
		try {
			// In a whole component every LP optimum is a feasible table for the whole system, so it
			// settles the side of any other target it reaches the bound of: one model serves them all.
			const here = hood.complete ? targets.filter((c) => mark[c] === stamp && !out.has(c)) : [cell];
			const open = here.map((c): Target => ({
				cell: c,
				col: lp.column.get(c)!,
				seenMin: Infinity,
				seenMax: -Infinity
			}));
			const witness = (x: Float64Array) => {
				for (const t of open) {
					t.seenMin = Math.min(t.seenMin, x[t.col]!);
					t.seenMax = Math.max(t.seenMax, x[t.col]!);
				}
			};
			for (const t of open) {
				let failed: Interval['outcome'] | undefined;
				if (t.seenMin <= lo[t.cell]! + EPS) t.min = lo[t.cell]!;
				else {
					const r = optimum(h, lp, t.col, 1);
					if (typeof r === 'string') failed = r;
					else {
						t.min = r.value;
						witness(r.x);
					}
				}
				if (t.seenMax >= hi[t.cell]! - EPS) t.max = hi[t.cell]!;
				else if (!failed) {
					const r = optimum(h, lp, t.col, -1);
					if (typeof r === 'string') failed = r;
					else {
						t.max = r.value;
						witness(r.x);
					}
				}
				finish(t, hood, failed);
			}
		} finally {
			lp.model.dispose();
		}
	}
	return targets.map((cell) => out.get(cell)!);
}
