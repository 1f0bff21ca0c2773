import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';

/**
 * Cell-key perturbation, the method of the Australian Bureau of Statistics' TableBuilder
 * (Fraser & Wooton 2005; Thompson, Broadfoot & Elazar 2013, "Methodology for the automatic
 * confidentialisation of statistical outputs from remote servers at the Australian Bureau of
 * Statistics") and of the ONS 2021 census tables. Pure functions; docs/disclosure.md explains
 * the rules and what they cost a user.
 *
 * Every report carries a record key 0–255 (a keyed hash of its id, src/lib/server/release); a
 * cell's key is the sum of its reports' keys modulo 256, so the same reports always make the same
 * key, and a key cannot be guessed without the secret. The published value of a cell is a pure
 * function of its true count and its key, read from a perturbation table ("ptable"):
 *
 * - 0 is published as 0 (a zero identifies nobody);
 * - 1 to 10 is never published ("1–10");
 * - n ≥ 11 is published as n + noise, noise in −D…+D, never below 11.
 *
 * Each row of the table is a distribution of the noise with mean 0 (no count is biased up or
 * down on average), a triangular shape on −D…+D (small changes more likely than large ones) and,
 * for counts just above 10, truncated so that n + noise ≥ 11 and tilted back to mean 0 (the
 * maximum-entropy tilt p(v) ∝ w(v)·e^{λv}). The 256 keys are shared out among the noise values
 * in proportion to their probability.
 */

/** Record and cell keys take values 0 … KEY_SPACE − 1. */
export const KEY_SPACE = 256;

/** What `publishCount` returns for a count from 1 to 10: no value is published. */
export const SMALL = -1;

export type PTable = {
	/** The smallest count published with a value: smallCell.max + 1. */
	readonly threshold: number;
	readonly maxAbs: number;
	/** rows[i][key] is the noise of a count threshold + i; the last row serves every larger count. */
	readonly rows: readonly Int8Array[];
};

/** The table for a disclosure configuration (thresholds and D in src/lib/config/disclosure.ts). */
export function createPTable(config: DisclosureConfig = DISCLOSURE): PTable {
	const { min, max } = config.smallCell;
	const maxAbs = config.perturbation.maxAbs;
	if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
		throw new RangeError(`Invalid small-cell range ${min}–${max}`);
	}
	if (!Number.isInteger(maxAbs) || maxAbs < 0 || maxAbs > 100) {
		throw new RangeError(`The largest perturbation must be an integer from 0 to 100, not ${maxAbs}`);
	}
	const threshold = max + 1;
	const rows: Int8Array[] = [];
	for (let i = 0; i <= maxAbs; i++) rows.push(ptableRow(maxAbs, -Math.min(i, maxAbs)));
	return { threshold, maxAbs, rows };
}

/** The noise of a count `n` ≥ threshold with cell key `key`. */
export function noiseOf(table: PTable, n: number, key: number): number {
	const row = table.rows[Math.min(n - table.threshold, table.maxAbs)]!;
	return row[key & (KEY_SPACE - 1)]!;
}

/**
 * The published value of a count: 0 for 0, SMALL for 1 … threshold − 1, n + noise otherwise.
 * `n` must be a non-negative integer.
 */
export function publishCount(table: PTable, n: number, key: number): number {
	if (n === 0) return 0;
	if (n < table.threshold) return SMALL;
	return n + noiseOf(table, n, key);
}

/** A cell's key from its records' keys: their sum modulo KEY_SPACE. */
export function cellKeyOf(recordKeys: Iterable<number>): number {
	let key = 0;
	for (const k of recordKeys) key = (key + k) & (KEY_SPACE - 1);
	return key;
}

/**
 * One row: how many of the 256 keys give each noise value from `low` to D. Triangular weights
 * D + 1 − |v|, truncated below at `low` and tilted to mean 0; counts by largest remainder.
 */
function ptableRow(maxAbs: number, low: number): Int8Array {
	const values: number[] = [];
	for (let v = low; v <= maxAbs; v++) values.push(v);
	const logWeight = values.map((v) => Math.log(maxAbs + 1 - Math.abs(v)));
	const probabilities = (lambda: number) => {
		const logs = values.map((v, i) => logWeight[i]! + lambda * v);
		const top = Math.max(...logs);
		const weights = logs.map((l) => Math.exp(l - top));
		const total = weights.reduce((s, w) => s + w, 0);
		return weights.map((w) => w / total);
	};
	const mean = (p: number[]) => p.reduce((s, pi, i) => s + pi * values[i]!, 0);
	let p: number[];
	if (low >= 0) {
		// Nothing below zero to balance the positive values: the count is published as it is.
		p = values.map((v) => (v === 0 ? 1 : 0));
	} else {
		// The mean grows with λ: bisection for mean 0.
		let a = -50;
		let b = 50;
		for (let k = 0; k < 200; k++) {
			const m = (a + b) / 2;
			if (mean(probabilities(m)) < 0) a = m;
			else b = m;
		}
		p = probabilities((a + b) / 2);
	}
	const exact = p.map((pi) => pi * KEY_SPACE);
	const counts = exact.map(Math.floor);
	let left = KEY_SPACE - counts.reduce((s, c) => s + c, 0);
	const order = exact
		.map((e, i) => ({ i, rest: e - Math.floor(e), size: Math.abs(values[i]!) }))
		.sort((x, y) => y.rest - x.rest || x.size - y.size);
	for (const { i } of order) {
		if (left === 0) break;
		counts[i]!++;
		left--;
	}
	const row = new Int8Array(KEY_SPACE);
	let key = 0;
	values.forEach((v, i) => {
		for (let c = 0; c < counts[i]!; c++) row[key++] = v;
	});
	return row;
}
