import { median, ms, percentile } from './stats';
import type { Bench, Figure } from './types';

/**
 * The public load (issue 19): every public answer is a prepared slice of the release, so a public
 * figure should cost about what `/api/health` costs. Measured from this Node process with
 * keep-alive clients (client and server share the two cores: the ratio is the figure to read, the
 * rates are floors): 32 clients for 10 s on each URL, then 200 clients for 60 s on a mix of public
 * answers, counting every answer that is not 200/304.
 */

const RATIO_CLIENTS = 32;
const RATIO_SECONDS = Number(process.env.BENCH_PUBLIC_SECONDS ?? 10);
const SOAK_CLIENTS = 200;
const SOAK_SECONDS = Number(process.env.BENCH_PUBLIC_SOAK_SECONDS ?? 60);

type Load = { requests: number; errors: number; seconds: number; latencies: number[]; firstError?: string };

async function load(urls: readonly string[], clients: number, seconds: number): Promise<Load> {
	const result: Load = { requests: 0, errors: 0, seconds: 0, latencies: [] };
	const started = performance.now();
	const deadline = started + seconds * 1000;
	const client = async (index: number) => {
		let i = index;
		while (performance.now() < deadline) {
			const url = urls[i++ % urls.length]!;
			const t0 = performance.now();
			try {
				const response = await fetch(url, { headers: { 'accept-encoding': 'br, gzip' } });
				await response.arrayBuffer();
				if (response.status !== 200 && response.status !== 304) {
					result.errors += 1;
					result.firstError ??= `${url}: HTTP ${response.status}`;
				}
			} catch (error) {
				result.errors += 1;
				result.firstError ??= `${url}: ${(error as Error).message}`;
			}
			result.requests += 1;
			result.latencies.push(performance.now() - t0);
		}
	};
	await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
	result.seconds = (performance.now() - started) / 1000;
	return result;
}

const rate = (l: Load) => l.requests / l.seconds;

export const publicLoad: Bench = {
	name: 'public-load',
	title: 'Public answers under load',
	async run({ server }) {
		const base = server.baseURL;
		const year = (category: string, y: number) =>
			`${base}/api/stats/municipalities?category=${category}&from=${y}-01&to=${y}-12`;
		// The release is built in the background after start: wait until it answers.
		for (let tries = 0; tries < 120; tries++) {
			if ((await fetch(year('homicide', 2019))).status === 200) break;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		const health = await load([`${base}/api/health`], RATIO_CLIENTS, RATIO_SECONDS);
		const stats = await load([year('homicide', 2019)], RATIO_CLIENTS, RATIO_SECONDS);
		const figures: Figure[] = [
			{
				measure: 'GET /api/health',
				value: `${Math.round(rate(health))} req/s`,
				note: `${RATIO_CLIENTS} clients, ${RATIO_SECONDS} s, p95 ${ms(percentile(health.latencies, 95))}, errors ${health.errors}`
			},
			{
				measure: 'public GET /api/stats/municipalities (homicide, 2019)',
				value: `${Math.round(rate(stats))} req/s (${(rate(stats) / rate(health)).toFixed(2)} × health)`,
				note: `${RATIO_CLIENTS} clients, ${RATIO_SECONDS} s, p50 ${ms(median(stats.latencies))} · p95 ${ms(percentile(stats.latencies, 95))}, errors ${stats.errors} (target ≥ 0.5 × health)`
			}
		];
		const mix = [
			year('homicide', 2019),
			year('homicide', 2023),
			year('landmines', 2010),
			`${base}/api/stats/departments?category=homicide&from=2019-01&to=2019-12`,
			`${base}/api/municipalities/05001/timeseries?category=homicide`,
			`${base}/api/municipalities/05001/summary`,
			`${base}/api/public/release`,
			`${base}/api/health`
		];
		const soak = await load(mix, SOAK_CLIENTS, SOAK_SECONDS);
		figures.push({
			measure: `${SOAK_CLIENTS} clients for ${SOAK_SECONDS} s, public mix`,
			value: `${soak.errors} errors in ${soak.requests} requests`,
			note: `${Math.round(rate(soak))} req/s, p95 ${ms(percentile(soak.latencies, 95))}${soak.firstError ? `; first error ${soak.firstError}` : ''}`
		});
		return figures;
	}
};
