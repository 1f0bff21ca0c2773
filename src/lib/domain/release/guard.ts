/**
 * The builder's own check against bounded inference (issue 19): what the public can work out of a
 * release by bounds propagation over every additive relation it publishes, and which published
 * values to withhold so that no small count is pinned. Written for the builder, independently of
 * the auditor in scripts/audit (which must stay an outsider's check). Pure.
 *
 * The public knows of each true count t an interval: a published p ≥ 11 means
 * max(11, p − D) ≤ t ≤ p + D, "1–10" means 1 ≤ t ≤ 10, a zero means t = 0, a withheld cell
 * `withheldLow` ≤ t (whoever knows the rules knows that only counts above zero are withheld). Every
 * relation total = Σ parts narrows these: the total lies within [Σ lo, Σ hi] of its parts and each
 * part within [lo(total) − Σ hi(others), hi(total) − Σ lo(others)], rounded inwards (counts are
 * integers) and repeated until nothing moves — feasibility-based bound tightening, the presolve of
 * MIP solvers (Savelsbergh 1994; Achterberg et al. 2020). A pin happens when a total's bound
 * meets the sum of its parts' opposite bounds: e.g. a year published 12 (≤ 17) whose quarters'
 * lower bounds, raised by months of "1–10" (each ≥ 1), add up to 17 — every part is then at its
 * lower bound.
 *
 * The guard finds every small cell whose interval is narrower than `minWidth`, follows the chain
 * of relations that set the binding bound back to the published value it started from (usually
 * the parent total), withholds that value, and propagates again from scratch, until no small cell
 * is too narrow. Withholding only removes information, so every round can only widen intervals;
 * each round withholds at least one more cell, so it ends. Deterministic: the same system gives
 * the same cells.
 */

export type GuardSystem = {
	size: number;
	/** What the public knows of each true count before the guard (hi may be Infinity). */
	lo: Float64Array;
	hi: Float64Array;
	/** 1 where the true count is from 1 to 10: its interval must stay at least `minWidth` wide. */
	small: Uint8Array;
	/** 1 where a perturbed value is published (a count of 11 or more): it may be withheld. */
	published: Uint8Array;
	/** Relation k: `cells[start[k]]` = Σ `cells[start[k] + 1 .. start[k + 1] − 1]`. */
	start: Int32Array;
	cells: Int32Array;
};

export type GuardOptions = {
	/**
	 * Least width (hi − lo) a small cell's interval may keep: 1 forbids pins, 2 keeps at least
	 * three possible values.
	 */
	minWidth: number;
	/** What the public knows of a withheld count: at least this (1: withheld counts are never 0). */
	withheldLow: number;
};

export const GUARD_DEFAULTS: GuardOptions = { minWidth: 2, withheldLow: 1 };

export type GuardResult = {
	/** Cells to withhold, in order. */
	withheld: number[];
	rounds: number;
	/** Small cells pinned (width 0), and narrower than minWidth, before the guard. */
	pinnedBefore: number;
	narrowBefore: number;
	/** Small cells still narrower than minWidth at the end (0 unless no cell could be withheld). */
	unresolved: number;
};

export type Bounds = {
	lo: Float64Array;
	hi: Float64Array;
	/** The relation that last raised lo (lowered hi) of each cell; −1: its own published bound. */
	loReason: Int32Array;
	hiReason: Int32Array;
	/** False when the step cap stopped it before a fixed point. */
	converged: boolean;
};

/** The relations of each cell, as a CSR index. */
export type CellIndex = { start: Int32Array; relations: Int32Array };

export function cellIndex(system: Pick<GuardSystem, 'size' | 'start' | 'cells'>): CellIndex {
	const { size, start, cells } = system;
	const count = start.length - 1;
	const from = new Int32Array(size + 1);
	for (let j = 0; j < cells.length; j++) from[cells[j]! + 1]!++;
	for (let i = 0; i < size; i++) from[i + 1]! += from[i]!;
	const fill = from.slice(0, size);
	const relations = new Int32Array(cells.length);
	for (let k = 0; k < count; k++) {
		for (let j = start[k]!; j < start[k + 1]!; j++) relations[fill[cells[j]!]!++] = k;
	}
	return { start: from, relations };
}

const EPS = 1e-9;

/**
 * Bounds propagation to a fixed point from the given own bounds. The cap on relation visits only
 * guards against slow creeping along cycles of unbounded cells; it is generous enough that every
 * release met so far converges (`converged` says whether it did).
 */
export function propagate(
	system: Pick<GuardSystem, 'size' | 'start' | 'cells'>,
	ownLo: Float64Array,
	ownHi: Float64Array,
	index: CellIndex = cellIndex(system)
): Bounds {
	const { start, cells } = system;
	const count = start.length - 1;
	const lo = Float64Array.from(ownLo);
	const hi = Float64Array.from(ownHi);
	const loReason = new Int32Array(system.size).fill(-1);
	const hiReason = new Int32Array(system.size).fill(-1);
	// A ring of the queued relations: each is in it at most once, so `count` slots suffice.
	const queued = new Uint8Array(count).fill(1);
	const ring = new Int32Array(Math.max(1, count));
	for (let k = 0; k < count; k++) ring[k] = k;
	let head = 0;
	let waiting = count;
	const cap = 100 * count + 10_000;
	let steps = 0;
	const enqueue = (cell: number) => {
		for (let j = index.start[cell]!; j < index.start[cell + 1]!; j++) {
			const r = index.relations[j]!;
			if (queued[r]) continue;
			queued[r] = 1;
			ring[(head + waiting) % count] = r;
			waiting++;
		}
	};
	const setLo = (c: number, value: number, k: number) => {
		const v = Math.ceil(value - EPS);
		if (v <= lo[c]!) return;
		lo[c] = v;
		loReason[c] = k;
		enqueue(c);
	};
	const setHi = (c: number, value: number, k: number) => {
		const v = Math.floor(value + EPS);
		if (v >= hi[c]!) return;
		hi[c] = v;
		hiReason[c] = k;
		enqueue(c);
	};
	while (waiting > 0 && steps < cap) {
		const k = ring[head]!;
		head = (head + 1) % count;
		waiting--;
		queued[k] = 0;
		steps++;
		const total = cells[start[k]!]!;
		let sumLo = 0;
		let sumHi = 0;
		let infinite = 0;
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			sumLo += lo[c]!;
			if (hi[c] === Infinity) infinite++;
			else sumHi += hi[c]!;
		}
		setLo(total, sumLo, k);
		if (infinite === 0) setHi(total, sumHi, k);
		const tLo = lo[total]!;
		const tHi = hi[total]!;
		// The parts from the sums as they were when the relation was read: any part tightened
		// here re-queues the relation, so a later visit uses the tighter sums.
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			const cLo = lo[c]!;
			const cHi = hi[c]!;
			const ownInfinite = cHi === Infinity ? 1 : 0;
			if (infinite - ownInfinite === 0) setLo(c, tLo - (sumHi - (ownInfinite ? 0 : cHi)), k);
			if (tHi !== Infinity) setHi(c, tHi - (sumLo - cLo), k);
		}
	}
	return { lo, hi, loReason, hiReason, converged: waiting === 0 };
}

/**
 * The cell whose own bound a derived bound of `cell` comes from, following the relations that set
 * it: a part's upper bound comes from its total's, a total's from its parts'. Among parts it
 * follows a published cell with its own bound first, then the part with the widest bound. −1 when
 * the chain leads nowhere that can be withheld.
 */
function originOf(
	system: GuardSystem,
	bounds: Bounds,
	withheld: Uint8Array,
	cell: number,
	side: 'lo' | 'hi'
): number {
	const { start, cells } = system;
	const reason = side === 'hi' ? bounds.hiReason : bounds.loReason;
	const seen = new Set<number>();
	let c = cell;
	for (let depth = 0; depth < 64; depth++) {
		const k = reason[c]!;
		if (k < 0) return c;
		if (seen.has(c)) return -1;
		seen.add(c);
		const total = cells[start[k]!]!;
		if (total !== c) {
			c = total;
			continue;
		}
		let best = -1;
		let bestScore = -Infinity;
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) {
			const p = cells[j]!;
			const bound = side === 'hi' ? bounds.hi[p]! : bounds.lo[p]!;
			if (side === 'hi' ? bound === 0 : bound <= 0) continue;
			if (system.published[p] && !withheld[p] && reason[p]! < 0) return p;
			if (bound > bestScore) {
				best = p;
				bestScore = bound;
			}
		}
		if (best < 0) return -1;
		c = best;
	}
	return -1;
}

/** The published totals nearest above `cell` (its parents, then theirs), not yet withheld. */
function publishedAncestors(
	system: GuardSystem,
	index: CellIndex,
	withheld: Uint8Array,
	cell: number
): number[] {
	const { start, cells } = system;
	let level = [cell];
	const seen = new Set(level);
	for (let depth = 0; depth < 4 && level.length > 0; depth++) {
		const found: number[] = [];
		const next: number[] = [];
		for (const c of level) {
			for (let j = index.start[c]!; j < index.start[c + 1]!; j++) {
				const total = cells[start[index.relations[j]!]!]!;
				if (total === c || seen.has(total)) continue;
				seen.add(total);
				if (system.published[total] && !withheld[total]) found.push(total);
				else next.push(total);
			}
		}
		if (found.length > 0) return found;
		level = next;
	}
	return [];
}

/** The cells to withhold so that no small cell's interval is narrower than `minWidth`. */
export function guardSystem(system: GuardSystem, options: GuardOptions = GUARD_DEFAULTS): GuardResult {
	const index = cellIndex(system);
	const withheld = new Uint8Array(system.size);
	const order: number[] = [];
	let rounds = 0;
	const ownLo = Float64Array.from(system.lo);
	const ownHi = Float64Array.from(system.hi);
	// The round each cell was withheld in (0: not withheld): a cell withheld earlier in this round,
	// for another narrow cell, covers this one too; one withheld in an earlier round is no origin.
	const withheldIn = new Int32Array(system.size);
	const withhold = (c: number) => {
		if (withheld[c]) return withheldIn[c] === rounds;
		withheld[c] = 1;
		withheldIn[c] = rounds;
		order.push(c);
		ownLo[c] = options.withheldLow;
		ownHi[c] = Infinity;
		return true;
	};
	let pinnedBefore = 0;
	let narrowBefore = 0;
	let unresolved = 0;
	for (;;) {
		const bounds = propagate(system, ownLo, ownHi, index);
		if (!bounds.converged) throw new Error('Bounds propagation did not converge');
		const narrow: number[] = [];
		for (let c = 0; c < system.size; c++) {
			if (system.small[c] && bounds.hi[c]! - bounds.lo[c]! < options.minWidth) narrow.push(c);
		}
		if (rounds === 0) {
			narrowBefore = narrow.length;
			pinnedBefore = narrow.filter((c) => bounds.hi[c] === bounds.lo[c]).length;
		}
		if (narrow.length === 0) break;
		rounds++;
		const before = order.length;
		for (const c of narrow) {
			const hiOrigin = originOf(system, bounds, withheld, c, 'hi');
			const loOrigin = originOf(system, bounds, withheld, c, 'lo');
			// 1. The published values the binding bounds come from (usually the parent total).
			let done = false;
			for (const o of [hiOrigin, loOrigin]) if (o >= 0 && system.published[o] && withhold(o)) done = true;
			if (done) continue;
			// 2. A "1–10" total whose upper bound 10 binds by itself (the cell, or a total above it):
			//    shown as "—" instead; failing that, a small cell whose lower bound binds.
			const smallOrigin = [hiOrigin, loOrigin].find(
				(o) => o >= 0 && (o !== c || o === hiOrigin) && system.small[o]
			);
			if (smallOrigin !== undefined && withhold(smallOrigin)) continue;
			// 3. No chain to follow: the nearest published totals above the cell.
			for (const a of publishedAncestors(system, index, withheld, c)) if (withhold(a)) done = true;
			// 4. Nothing else can go: the cell itself.
			if (!done) withhold(c);
		}
		if (order.length === before) {
			unresolved = narrow.length;
			break;
		}
	}
	return { withheld: order, rounds, pinnedBefore, narrowBefore, unresolved };
}
