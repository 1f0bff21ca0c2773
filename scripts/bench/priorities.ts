import { monthIndex } from '../../src/lib/domain/monthly-cube';
import { patrolCells, type PointReport } from '../../src/lib/domain/patrol-cells';
import { normaliseIndicators, priorityScores, rankIntervals } from '../../src/lib/domain/priority-index';
import { seededRandom } from '../../src/lib/domain/random';
import { priorityInputs } from '../../src/lib/server/analysis/priority-inputs';
import { spatialStatistic } from '../../src/lib/server/analysis/spatial';
import {
	conditionalPermutationP,
	localGStar,
	localMoran,
	rowStandardisedWeights
} from '../../src/lib/domain/spatial-autocorrelation';
import { openDatabase } from '../../src/lib/server/db/connection';
import { createStatsService } from '../../src/lib/server/stats/stats';
import { median, ms, percentile } from './stats';
import type { Bench, Figure } from './types';

/**
 * Setting priorities (issue 8), in process on the prepared database: the priority index
 * recomputed on a weight change (what the browser does on every slider move), Local Moran and Gi*
 * with 999 permutations on every municipality with a homicide rate, and H3 hot spots over one
 * million synthetic points (BENCHMARK DATA ONLY, seeded).
 */

function timed<T>(run: () => T): [T, number] {
	const start = performance.now();
	const result = run();
	return [result, performance.now() - start];
}

function sample(times: number, run: () => void): number[] {
	const out: number[] = [];
	for (let i = 0; i < times; i++) out.push(timed(run)[1]);
	return out;
}

function indexFigures(
	db: ReturnType<typeof openDatabase>,
	stats: ReturnType<typeof createStatsService>
): Figure[] {
	const categories = ['homicide', 'sexual-violence', 'landmines'] as const;
	const to = stats.extent().categories.homicide!.to;
	const inputs = priorityInputs(db, stats, categories, monthIndex(to), new Date().toISOString().slice(0, 10));
	const data = normaliseIndicators(inputs.indicators, inputs.codes.length);
	const random = seededRandom(8);
	const weights = () =>
		Object.fromEntries(data.ids.map((id) => [id, Math.round(random() * 50) / 10] as const));
	sample(20, () => priorityScores(data, weights())); // warm-up
	const change = sample(500, () => priorityScores(data, weights()));
	const intervals = sample(10, () => rankIntervals(data, weights(), { seed: 3 }));
	const normalise = sample(20, () => normaliseIndicators(inputs.indicators, inputs.codes.length));
	return [
		{
			measure: `index on a weight change (${inputs.codes.length.toLocaleString('en')} municipalities, ${data.ids.length} indicators)`,
			value: `${median(change).toFixed(2)} ms`,
			note: `median of 500 random weight sets, p95 ${percentile(change, 95).toFixed(2)} ms; target < 20 ms`
		},
		{
			measure: 'rank intervals (200 re-rankings, weights ±20 %)',
			value: ms(median(intervals)),
			note: 'median of 10; runs once the sliders are still (250 ms debounce)'
		},
		{
			measure: 'normalising the indicators (on a new choice of categories)',
			value: `${median(normalise).toFixed(2)} ms`,
			note: 'median of 20'
		}
	];
}

function spatialFigures(
	db: ReturnType<typeof openDatabase>,
	stats: ReturnType<typeof createStatsService>
): Figure[] {
	const query = {
		categories: ['homicide' as const],
		from: '2019-01',
		to: '2019-12',
		measure: 'rate' as const,
		permutations: 999,
		seed: 2021,
		fdr: false,
		alpha: 0.05
	};
	spatialStatistic(stats, 'local-moran', query); // warm-up: the stats snapshot and JIT
	const both = sample(7, () => {
		spatialStatistic(stats, 'local-moran', query);
		spatialStatistic(stats, 'getis-ord', query);
	});
	const [result] = timed(() => spatialStatistic(stats, 'getis-ord', query));

	// Every municipality, islands included: the statistics alone on the 2018 census population.
	const rows = db.prepare('SELECT code, population_2018 AS p FROM municipalities ORDER BY code').all() as {
		code: string;
		p: number;
	}[];
	const x = Float64Array.from(rows, (r) => r.p);
	const lists = stats.queenNeighbours(rows.map((r) => r.code));
	const everyone = sample(7, () => {
		const w = rowStandardisedWeights(lists);
		const wSelf = rowStandardisedWeights(lists, { includeSelf: true });
		localMoran(x, w);
		conditionalPermutationP('moran', x, w, { permutations: 999, seed: 1 });
		localGStar(x, wSelf);
		conditionalPermutationP('gstar', x, wSelf, { permutations: 999, seed: 1 });
	});
	return [
		{
			measure: `Local Moran + Gi*, 999 permutations (${result.analysed.toLocaleString('en')} municipalities)`,
			value: ms(median(both)),
			note: `median of 7, max ${ms(Math.max(...both))}; homicide rates 2019, queen weights, inputs read from the database included; target < 250 ms`
		},
		{
			measure: `Local Moran + Gi*, 999 permutations (all ${rows.length.toLocaleString('en')} municipalities)`,
			value: ms(median(everyone)),
			note: `median of 7, max ${ms(Math.max(...everyone))}; the statistics alone (weights built, no I/O), census population`
		}
	];
}

function hotSpotFigures(): Figure[] {
	const random = seededRandom(2026);
	const centres = Array.from({ length: 300 }, () => ({
		lon: -78.5 + random() * 11,
		lat: -3 + random() * 14
	}));
	const categories = ['landmines', 'homicide', 'extortion'];
	const points: PointReport[] = Array.from({ length: 1_000_000 }, () => {
		const centre = centres[Math.floor(random() * centres.length)]!;
		return {
			lon: centre.lon + (random() - 0.5) * 0.3,
			lat: centre.lat + (random() - 0.5) * 0.3,
			category: categories[Math.floor(random() * 3)]!,
			ageDays: Math.floor(random() * 3650),
			weekday: Math.floor(random() * 7),
			count: 1
		};
	});
	const figures: Figure[] = [];
	for (const resolution of [7, 8]) {
		const before = process.memoryUsage().heapUsed;
		const [cells, elapsed] = timed(() =>
			patrolCells(points, { resolution, halfLifeDays: 365, categoryWeights: { homicide: 2 } })
		);
		const heap = (process.memoryUsage().heapUsed - before) / 2 ** 20;
		figures.push({
			measure: `H3 hot spots, 1,000,000 points, resolution ${resolution}`,
			value: ms(elapsed),
			note: `${cells.length.toLocaleString('en')} cells, heap +${Math.max(0, heap).toFixed(0)} MiB; synthetic points around 300 centres`
		});
	}
	return figures;
}

export const priorities: Bench = {
	name: 'priorities',
	title: 'Setting priorities',
	async run(ctx) {
		const db = openDatabase(ctx.dataEnv.RESILIENCIA_DB!);
		try {
			const stats = createStatsService(db);
			return [...indexFigures(db, stats), ...spatialFigures(db, stats), ...hotSpotFigures()];
		} finally {
			db.close();
		}
	}
};
