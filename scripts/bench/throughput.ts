import { median, ms, percentile, bytes } from './stats';
import type { Bench } from './types';

const CONCURRENCY = 16;
const MAX_REQUESTS = 5_000;
const MAX_SECONDS = 10;
const WARM_UP = 100;

/**
 * (d) `GET /api/municipalities` under load: 16 concurrent keep-alive clients from this Node
 * process, until 5,000 requests or 10 s. Client and server share the machine's cores, so the
 * figure is a floor for the server alone.
 */
export const throughput: Bench = {
	name: 'throughput',
	title: 'API throughput',
	async run({ server }) {
		const url = `${server.baseURL}/api/municipalities`;
		let size = 0;
		const get = async () => {
			const response = await fetch(url);
			const body = await response.arrayBuffer();
			if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
			size = body.byteLength;
		};
		for (let i = 0; i < WARM_UP; i++) await get();

		const latencies: number[] = [];
		let issued = 0;
		const started = performance.now();
		const deadline = started + MAX_SECONDS * 1000;
		const client = async () => {
			while (issued < MAX_REQUESTS && performance.now() < deadline) {
				issued += 1;
				const t0 = performance.now();
				await get();
				latencies.push(performance.now() - t0);
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, client));
		const seconds = (performance.now() - started) / 1000;
		return [
			{
				measure: 'GET /api/municipalities',
				value: `${Math.round(latencies.length / seconds)} req/s`,
				note: `${latencies.length} requests in ${seconds.toFixed(1)} s, concurrency ${CONCURRENCY}, ${bytes(size)} JSON each`
			},
			{
				measure: 'GET /api/municipalities latency',
				value: `p50 ${ms(median(latencies))} · p95 ${ms(percentile(latencies, 95))}`,
				note: `max ${ms(Math.max(...latencies))}`
			}
		];
	}
};
