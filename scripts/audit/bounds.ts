import type { AuditSystem } from './system';

/**
 * Bounds propagation over every relation (feasibility-based bound tightening, as in MIP
 * presolve): in total = Σ parts, the total lies in [Σ lo, Σ hi] of the parts and each part in
 * [lo(total) − Σ hi(others), hi(total) − Σ lo(others)], rounded inwards because counts are
 * integers. Repeated until nothing moves. Cheap enough for every cell of a national release, and
 * it already finds the classic bounded leak: small parts of at least 1, next to published zeros,
 * whose lower bounds add up to the upper bound of a small total.
 */

export type Bounds = {
	lo: Float64Array;
	hi: Float64Array;
	/** Relations found impossible (a cell's lower bound above its upper bound). */
	contradictions: number;
	/** Relation visits, for reports. */
	steps: number;
};

export function propagateBounds(system: AuditSystem, known: Float64Array, maxSteps = 0): Bounds {
	const lo = Float64Array.from(system.lo);
	const hi = Float64Array.from(system.hi);
	for (let i = 0; i < system.size; i++) {
		if (!Number.isNaN(known[i])) lo[i] = hi[i] = known[i]!;
	}
	const { start, cells, count, ofCellStart, ofCell } = system.relations;
	// A bound can creep up by one per visit along a cycle of unbounded cells; the cap stops that.
	const cap = maxSteps || 30 * count + 1_000;
	const queued = new Uint8Array(count).fill(1);
	const queue: number[] = Array.from({ length: count }, (_, k) => k);
	let head = 0;
	let steps = 0;
	let contradictions = 0;
	const dead = new Uint8Array(count);
	const tighten = (c: number, l: number, h: number) => {
		const nl = Math.ceil(l - 1e-9);
		const nh = Math.floor(h + 1e-9);
		let changed = false;
		if (nl > lo[c]!) {
			lo[c] = nl;
			changed = true;
		}
		if (nh < hi[c]!) {
			hi[c] = nh;
			changed = true;
		}
		if (!changed) return false;
		for (let j = ofCellStart[c]!; j < ofCellStart[c + 1]!; j++) {
			const r = ofCell[j]!;
			if (!queued[r] && !dead[r]) {
				queued[r] = 1;
				queue.push(r);
			}
		}
		return true;
	};
	while (head < queue.length && steps < cap) {
		const k = queue[head++]!;
		queued[k] = 0;
		steps++;
		if (head > 1 << 20) {
			queue.splice(0, head);
			head = 0;
		}
		const total = cells[start[k]!]!;
		// Σ lo and Σ hi of the parts; the count of infinite upper bounds is kept apart so that
		// "the sum of the others" stays finite when only one part is unbounded.
		let sumLo = 0;
		let sumHi = 0;
		let infinite = 0;
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			sumLo += lo[c]!;
			if (hi[c] === Infinity) infinite++;
			else sumHi += hi[c]!;
		}
		tighten(total, sumLo, infinite > 0 ? Infinity : sumHi);
		const tl = lo[total]!;
		const th = hi[total]!;
		for (let j = start[k]! + 1; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			const othersHi =
				hi[c] === Infinity ? (infinite > 1 ? Infinity : sumHi) : infinite > 0 ? Infinity : sumHi - hi[c]!;
			const before = [lo[c]!, hi[c]!];
			tighten(c, tl - othersHi, th - (sumLo - lo[c]!));
			// Keep the sums in step with the part just tightened.
			sumLo += lo[c]! - before[0]!;
			if (before[1] === Infinity && hi[c] !== Infinity) {
				infinite--;
				sumHi += hi[c]!;
			} else if (before[1] !== Infinity) sumHi += hi[c]! - before[1]!;
		}
		for (let j = start[k]!; j < start[k + 1]!; j++) {
			const c = cells[j]!;
			if (lo[c]! > hi[c]!) {
				contradictions++;
				dead[k] = 1;
				break;
			}
		}
	}
	return { lo, hi, contradictions, steps };
}
