import { DISCLOSURE, type DisclosureConfig } from '../config/disclosure';
import type { Dimension, DisclosedTable, Level } from './disclosure';

/**
 * An intruder's view of a published table, and three ways to attack it. Test support only: the
 * disclosure tests (and any test of a public endpoint) feed published responses to these attacks
 * and assert that no suppressed count comes back. Written independently of `discloseTable`: it
 * reads only what the public receives and the rules the public knows.
 */

export type Bounds = { low: number; high: number };

/** An entry of the published view: its value when published, else what the public knows of it. */
export type ViewEntry = { id: string; value: number | null; bounds: Bounds };

/** `total` equals the sum of `parts`: every total beside its parts, and totals beside finer totals. */
export type Relation = { total: string; parts: string[] };

export type AttackView = { entries: Map<string, ViewEntry>; relations: Relation[] };

const ORDER: Record<Level, number> = { each: 0, group: 1, all: 2 };

/** Builds the intruder's view from a published table and its (public) dimensions. */
export function attackView(
	table: DisclosedTable,
	dimensions: readonly Dimension[],
	config: DisclosureConfig = DISCLOSURE
): AttackView {
	const names = dimensions.map((d) => (typeof d === 'string' ? d : d.name));
	const groupOf = dimensions.map((d) => (typeof d === 'string' ? null : d.groupOf));
	const entries = new Map<string, ViewEntry>();
	const add = (id: string, e: DisclosedTable['cells'][number] | DisclosedTable['totals'][number]) => {
		if (!('suppressed' in e)) {
			entries.set(id, { id, value: e.value, bounds: { low: e.value, high: e.value } });
			return;
		}
		const { min, max } = config.smallCell;
		const bounds =
			e.reason === 'small'
				? { low: min, high: max }
				: e.reason === 'complementary'
					? { low: max + 1, high: Number.POSITIVE_INFINITY }
					: { low: 0, high: Number.POSITIVE_INFINITY };
		entries.set(id, { id, value: null, bounds });
	};

	type Node = { id: string; levels: Level[]; key: (string | null)[] };
	const nodes: Node[] = [];
	for (const cell of table.cells) {
		const key = names.map((n) => cell.key[n]!);
		const node = { id: `cell:${JSON.stringify(key)}`, levels: names.map(() => 'each' as Level), key };
		nodes.push(node);
		add(node.id, cell);
	}
	for (const total of table.totals) {
		const levels = names.map((n) => total.margin[n]!);
		const key = names.map((n) => total.key[n] ?? null);
		const node = { id: `total:${JSON.stringify([levels, key])}`, levels, key };
		nodes.push(node);
		add(node.id, total);
	}
	/** Whether `part` lies inside `total` (the part is finer on every dimension). */
	const inside = (part: Node, total: Node) =>
		names.every((_, d) => {
			const [pl, tl] = [part.levels[d]!, total.levels[d]!];
			if (ORDER[pl] > ORDER[tl]) return false;
			if (tl === 'all') return true;
			if (tl === pl) return part.key[d] === total.key[d];
			return groupOf[d]!(part.key[d]!) === total.key[d];
		});
	const relations: Relation[] = [];
	const specs = new Set(nodes.map((n) => n.levels.join(',')));
	for (const total of nodes) {
		if (total.levels.every((l) => l === 'each')) continue;
		// One relation per finer published level: the total is the sum of its parts at that level.
		for (const spec of specs) {
			const levels = spec.split(',') as Level[];
			if (levels.join(',') === total.levels.join(',')) continue;
			if (!levels.every((l, d) => ORDER[l] <= ORDER[total.levels[d]!])) continue;
			const parts = nodes.filter((n) => n.levels.join(',') === spec && inside(n, total)).map((n) => n.id);
			relations.push({ total: total.id, parts });
		}
	}
	return { entries, relations };
}

/**
 * Subtraction: a relation with one unknown gives it (total minus the other parts, or a part from
 * the total), repeated until nothing more falls. Returns what it recovered.
 */
export function peelingAttack(view: AttackView): Map<string, number> {
	const known = new Map<string, number>();
	for (const e of view.entries.values()) if (e.value !== null) known.set(e.id, e.value);
	const recovered = new Map<string, number>();
	for (let progress = true; progress;) {
		progress = false;
		for (const { total, parts } of view.relations) {
			const unknown = [total, ...parts].filter((id) => !known.has(id));
			if (unknown.length !== 1) continue;
			const id = unknown[0]!;
			const partsSum = parts.filter((p) => p !== id).reduce((s, p) => s + known.get(p)!, 0);
			const value = id === total ? partsSum : known.get(total)! - partsSum;
			known.set(id, value);
			recovered.set(id, value);
			progress = true;
		}
	}
	return recovered;
}

/**
 * Linear algebra: every relation at once, solved exactly over the rationals (Gauss–Jordan with
 * BigInt fractions). An unknown is recovered when the system fixes it whatever the free ones are.
 */
export function linearAttack(view: AttackView): Map<string, number> {
	const unknowns = [...view.entries.values()].filter((e) => e.value === null).map((e) => e.id);
	const column = new Map(unknowns.map((id, i) => [id, i]));
	const n = unknowns.length;
	const rows: Fraction[][] = [];
	for (const { total, parts } of view.relations) {
		// total − Σ parts = 0, known values moved to the right-hand side (last column).
		const row: Fraction[] = Array.from({ length: n + 1 }, () => ZERO);
		let rhs = 0n;
		const term = (id: string, sign: bigint) => {
			const col = column.get(id);
			if (col === undefined) rhs -= sign * BigInt(view.entries.get(id)!.value!);
			else row[col] = add(row[col]!, frac(sign));
		};
		term(total, 1n);
		for (const p of parts) term(p, -1n);
		row[n] = frac(rhs);
		if (row.slice(0, n).some((f) => f.n !== 0n)) rows.push(row);
	}
	const pivots: number[] = [];
	let r = 0;
	for (let c = 0; c < n && r < rows.length; c++) {
		const p = rows.findIndex((row, i) => i >= r && row[c]!.n !== 0n);
		if (p < 0) continue;
		[rows[r], rows[p]] = [rows[p]!, rows[r]!];
		const pivot = rows[r]!;
		const inv = invert(pivot[c]!);
		for (let k = 0; k <= n; k++) pivot[k] = mul(pivot[k]!, inv);
		for (let i = 0; i < rows.length; i++) {
			if (i === r || rows[i]![c]!.n === 0n) continue;
			const factor = rows[i]![c]!;
			for (let k = 0; k <= n; k++) rows[i]![k] = sub(rows[i]![k]!, mul(factor, pivot[k]!));
		}
		pivots.push(c);
		r++;
	}
	const recovered = new Map<string, number>();
	pivots.forEach((c, i) => {
		const row = rows[i]!;
		const alone = row.every((f, k) => k === c || k === n || f.n === 0n);
		if (alone) recovered.set(unknowns[c]!, Number(row[n]!.n) / Number(row[n]!.d));
	});
	return recovered;
}

/**
 * Bounded integer search: is there a table, other than the true one, that agrees with everything
 * published and with what the public knows of each suppressed entry, and in which `target` has
 * another value? If not, the intruder knows `target` exactly. Exhaustive: for small tables only.
 */
export function alternativeExists(view: AttackView, truth: Map<string, number>, target: string): boolean {
	const unknowns = [...view.entries.values()].filter((e) => e.value === null);
	const bounds = new Map(unknowns.map((e) => [e.id, { ...e.bounds }]));
	// Unbounded entries are bounded by any published total that contains them.
	for (const { total, parts } of view.relations) {
		const t = view.entries.get(total)!;
		if (t.value === null) continue;
		for (const p of parts) {
			const b = bounds.get(p);
			if (b) b.high = Math.min(b.high, t.value);
		}
	}
	const cap = Math.max(...[...truth.values()], 0) * 2 + 20;
	for (const b of bounds.values()) b.high = Math.min(b.high, cap);

	const assignment = new Map<string, number>();
	for (const e of view.entries.values()) if (e.value !== null) assignment.set(e.id, e.value);
	const order = unknowns.map((e) => e.id).sort((a, b) => (a === target ? -1 : b === target ? 1 : 0));
	const relationsOf = new Map<string, Relation[]>();
	for (const rel of view.relations) {
		for (const id of [rel.total, ...rel.parts]) relationsOf.set(id, [...(relationsOf.get(id) ?? []), rel]);
	}
	const consistent = (rel: Relation): boolean => {
		let low = 0;
		let high = 0;
		for (const p of rel.parts) {
			const v = assignment.get(p);
			low += v ?? bounds.get(p)!.low;
			high += v ?? bounds.get(p)!.high;
		}
		const t = assignment.get(rel.total);
		const tb = t === undefined ? bounds.get(rel.total)! : { low: t, high: t };
		return low <= tb.high && high >= tb.low;
	};
	const search = (i: number): boolean => {
		if (i === order.length) return true;
		const id = order[i]!;
		const b = bounds.get(id)!;
		for (let v = b.low; v <= b.high; v++) {
			if (id === target && v === truth.get(target)) continue;
			assignment.set(id, v);
			if ((relationsOf.get(id) ?? []).every(consistent) && search(i + 1)) return true;
		}
		assignment.delete(id);
		return false;
	};
	return search(0);
}

type Fraction = { n: bigint; d: bigint };
const ZERO: Fraction = { n: 0n, d: 1n };
const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
function frac(n: bigint, d = 1n): Fraction {
	if (d < 0n) [n, d] = [-n, -d];
	const g = gcd(n, d) || 1n;
	return { n: n / g, d: d / g };
}
const add = (a: Fraction, b: Fraction) => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Fraction, b: Fraction) => frac(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Fraction, b: Fraction) => frac(a.n * b.n, a.d * b.d);
const invert = (a: Fraction) => frac(a.d, a.n);
