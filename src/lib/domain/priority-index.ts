import { seededRandom } from './random';
/**
 * The planners' priority index: a weighted mean of indicators, each mapped to 0–1 where 1 is the
 * worst, per municipality. Pure and fast enough to recompute on every slider move in the browser
 * (1,122 municipalities × a dozen indicators is a few thousand multiplications).
 *
 * Missing inputs are optional, not zero: a municipality without a survey panel is scored on the
 * indicators it has, and its weights are renormalised over them (`coverage` says how much of the
 * total weight that was). So a municipality is never ranked low just because nobody asked. But it
 * is ranked only when it has data for more than half of the weight (MIN_COVERAGE); at half or less
 * it is left unranked: scored on "no dialogue" alone, a place absent from every source would top the
 * list, and with two indicators weighted alike "no dialogue" is exactly half.
 */

export const MIN_COVERAGE = 0.5;

export type IndicatorKind =
	/** A rate per inhabitant: skewed, so mapped to its percentile rank among municipalities. */
	| 'rate'
	/** A change (log ratio of counts): percentile rank as well. */
	| 'trend'
	/** A 1–5 scale where 5 is good (trust, perceived safety): (5 − value) / 4. */
	| 'scale-low'
	/** Already a 0–1 share or flag where 1 is worst (no dialogue, overdue commitments). */
	| 'share';

export type Indicator = {
	id: string;
	kind: IndicatorKind;
	/** Raw values in the order of `codes`; null where the municipality has no data. */
	values: readonly (number | null)[];
};

export type Weights = Readonly<Record<string, number>>;

/** Indicators normalised once per data set; weights are applied later, as often as they move. */
export type NormalisedIndicators = {
	ids: string[];
	/** n × k, row-major; NaN where missing. */
	matrix: Float64Array;
	n: number;
};

/**
 * Percentile rank in 0–1 with ties at their mean rank (Hazen-free: the lowest value gets 0, the
 * highest 1), ignoring nulls. A single value gets 0.5.
 */
export function percentileRanks(values: readonly (number | null)[]): (number | null)[] {
	const present = values
		.map((value, index) => ({ value, index }))
		.filter((e): e is { value: number; index: number } => e.value !== null && Number.isFinite(e.value))
		.sort((a, b) => a.value - b.value);
	const out: (number | null)[] = values.map(() => null);
	if (present.length === 1) out[present[0]!.index] = 0.5;
	if (present.length < 2) return out;
	for (let start = 0; start < present.length;) {
		let end = start;
		while (end + 1 < present.length && present[end + 1]!.value === present[start]!.value) end++;
		const rank = (start + end) / 2 / (present.length - 1);
		for (let j = start; j <= end; j++) out[present[j]!.index] = rank;
		start = end + 1;
	}
	return out;
}

function normaliseOne(indicator: Indicator): (number | null)[] {
	switch (indicator.kind) {
		case 'rate':
		case 'trend':
			return percentileRanks(indicator.values);
		case 'scale-low':
			return indicator.values.map((v) => (v === null ? null : Math.min(1, Math.max(0, (5 - v) / 4))));
		case 'share':
			return indicator.values.map((v) => (v === null ? null : Math.min(1, Math.max(0, v))));
	}
}

export function normaliseIndicators(indicators: readonly Indicator[], n: number): NormalisedIndicators {
	const k = indicators.length;
	const matrix = new Float64Array(n * k).fill(NaN);
	indicators.forEach((indicator, j) => {
		if (indicator.values.length !== n)
			throw new Error(`indicator ${indicator.id} has ${indicator.values.length} values, expected ${n}`);
		normaliseOne(indicator).forEach((v, i) => {
			if (v !== null) matrix[i * k + j] = v;
		});
	});
	return { ids: indicators.map((i) => i.id), matrix, n };
}

function weightVector(ids: readonly string[], weights: Weights): Float64Array {
	return Float64Array.from(ids, (id) => Math.max(0, weights[id] ?? 0));
}

export type Scores = {
	/** 0–1, or NaN when the municipality has data for MIN_COVERAGE of the weight or less. */
	score: Float64Array;
	/** Share of the total weight the municipality had data for (0–1). */
	coverage: Float64Array;
	/** 1 = highest priority; 0 for municipalities without a score. */
	rank: Int32Array;
};

/**
 * Scores at weights `w`. With `among`, only the municipalities it marks are scored, whatever their
 * coverage at `w` (the rank intervals re-rank the set ranked at the planner's weights).
 */
function scoreInto(
	data: NormalisedIndicators,
	w: Float64Array,
	score: Float64Array,
	coverage: Float64Array,
	among?: Int32Array
) {
	const k = data.ids.length;
	let total = 0;
	for (let j = 0; j < k; j++) total += w[j]!;
	for (let i = 0; i < data.n; i++) {
		let sum = 0;
		let used = 0;
		for (let j = 0; j < k; j++) {
			const v = data.matrix[i * k + j]!;
			if (w[j]! > 0 && !Number.isNaN(v)) {
				sum += w[j]! * v;
				used += w[j]!;
			}
		}
		coverage[i] = total > 0 ? used / total : 0;
		// Strictly more than half: exactly half (1 of 1 + 1) is not enough. The margin keeps a
		// coverage a rounding error above half (0.5000000000000001) unranked too.
		const eligible = among ? among[i]! > 0 : coverage[i]! > MIN_COVERAGE + 1e-9;
		score[i] = used > 0 && eligible ? sum / used : NaN;
	}
}

/** Ranks by descending score; ties keep their order in `codes` (stable), NaN scores get 0. */
function rankInto(score: Float64Array, order: Int32Array, rank: Int32Array) {
	for (let i = 0; i < order.length; i++) order[i] = i;
	order.sort((a, b) => {
		const sa = score[a]!;
		const sb = score[b]!;
		if (Number.isNaN(sa)) return Number.isNaN(sb) ? a - b : 1;
		if (Number.isNaN(sb)) return -1;
		return sb - sa || a - b;
	});
	rank.fill(0);
	for (let r = 0; r < order.length; r++) {
		const i = order[r]!;
		if (!Number.isNaN(score[i]!)) rank[i] = r + 1;
	}
}

export function priorityScores(data: NormalisedIndicators, weights: Weights): Scores {
	const score = new Float64Array(data.n);
	const coverage = new Float64Array(data.n);
	const rank = new Int32Array(data.n);
	scoreInto(data, weightVector(data.ids, weights), score, coverage);
	rankInto(score, new Int32Array(data.n), rank);
	return { score, coverage, rank };
}

export type Contribution = {
	id: string;
	/** The weight as a share of the weights this municipality had data for. */
	share: number;
	/** The normalised indicator (0–1), null when missing. */
	normalised: number | null;
	/** share × normalised: the contributions add up to the score. */
	contribution: number;
};

/** Why a municipality is ranked where it is: each indicator's part of its score. */
export function breakdown(data: NormalisedIndicators, weights: Weights, index: number): Contribution[] {
	const k = data.ids.length;
	const w = weightVector(data.ids, weights);
	let used = 0;
	for (let j = 0; j < k; j++) if (w[j]! > 0 && !Number.isNaN(data.matrix[index * k + j]!)) used += w[j]!;
	return data.ids.map((id, j) => {
		const v = data.matrix[index * k + j]!;
		const missing = Number.isNaN(v);
		const share = !missing && used > 0 ? w[j]! / used : 0;
		return { id, share, normalised: missing ? null : v, contribution: missing ? 0 : share * v };
	});
}

export type RankIntervals = { best: Int32Array; worst: Int32Array };

/**
 * How stable each rank is: every weight is multiplied by an independent uniform factor in
 * [1 − spread, 1 + spread] (default ±20 %), `draws` times, and the best and worst rank seen are
 * kept. A municipality whose interval is 3–5 is a priority under any reasonable weighting; one at
 * 3–60 depends on the planner's choice. Each draw re-ranks the municipalities ranked at the given
 * weights, and only them: one unranked there (data for half of the weight or less) keeps 0–0 and
 * takes no rank from the others, even in a draw that tips its coverage above half; one ranked
 * there keeps its place in the draws that tip its coverage below half.
 */
export function rankIntervals(
	data: NormalisedIndicators,
	weights: Weights,
	{ draws = 200, spread = 0.2, seed = 1 }: { draws?: number; spread?: number; seed?: number } = {}
): RankIntervals {
	const base = weightVector(data.ids, weights);
	const random = seededRandom(seed);
	const w = new Float64Array(base.length);
	const score = new Float64Array(data.n);
	const coverage = new Float64Array(data.n);
	const order = new Int32Array(data.n);
	const rank = new Int32Array(data.n);
	// The ranks at the given weights open each interval; an unranked municipality keeps 0–0.
	scoreInto(data, base, score, coverage);
	rankInto(score, order, rank);
	const ranked = Int32Array.from(rank);
	const best = Int32Array.from(rank);
	const worst = Int32Array.from(rank);
	for (let d = 0; d < draws; d++) {
		for (let j = 0; j < base.length; j++) w[j] = base[j]! * (1 - spread + 2 * spread * random());
		scoreInto(data, w, score, coverage, ranked);
		rankInto(score, order, rank);
		for (let i = 0; i < data.n; i++) {
			const r = rank[i]!;
			if (r === 0) continue;
			if (r < best[i]!) best[i] = r;
			if (r > worst[i]!) worst[i] = r;
		}
	}
	return { best, worst };
}

/**
 * The under-reporting lens: few reports where people trust the police or the prosecutors little
 * may mean that people do not report, not that it is safe. A municipality is flagged when its
 * report rate is in the lowest third of the municipalities with data and its trust in either
 * provider (mean on the 1–5 scale, reliable estimates only) is below the scale's midpoint, 3.
 */
export const LOW_TRUST_BELOW = 3;

export function underReportingFlags(
	reportRates: readonly (number | null)[],
	trustPolice: readonly (number | null)[],
	trustProsecutors: readonly (number | null)[]
): boolean[] {
	const ranks = percentileRanks(reportRates);
	return ranks.map((rank, i) => {
		if (rank === null || rank > 1 / 3) return false;
		const police = trustPolice[i] ?? null;
		const prosecutors = trustProsecutors[i] ?? null;
		return (
			(police !== null && police < LOW_TRUST_BELOW) || (prosecutors !== null && prosecutors < LOW_TRUST_BELOW)
		);
	});
}
