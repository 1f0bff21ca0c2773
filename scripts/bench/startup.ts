import { startServer } from '../../tests/e2e/server';
import { median, ms, spread } from './stats';
import type { Bench } from './types';

const RUNS = 5;

/**
 * (a) Start-up to first response: spawn `node build/index.js` on a prepared database and time
 * until `GET /api/health` answers 200 (polled every 5 ms). Each run is a new process.
 */
export const startup: Bench = {
	name: 'startup',
	title: 'Start-up',
	async run({ entry, dataEnv, preparedInMs }) {
		const times: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const server = await startServer(dataEnv, { entry, pollMs: 5 });
			times.push(server.readyAfterMs);
			await server.stop();
		}
		return [
			{
				measure: 'data preparation (migrate, boundaries, seed)',
				value: ms(preparedInMs),
				note: 'scripts/prepare-data.ts on an empty temp folder'
			},
			{ measure: 'spawn → GET /api/health 200', value: ms(median(times)), note: `median; ${spread(times)}` }
		];
	}
};
