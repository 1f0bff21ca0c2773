import os from 'node:os';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../tests/e2e/browser';
import { prepareDataDir, snapshotApp, startServer, type RunningServer } from '../tests/e2e/server';
import { benches } from './bench/index';
import { formatTable, type Row } from './bench/table';
import type { BenchContext } from './bench/types';
import { ensureAppBuilt } from './build-app';

/**
 * `npm run bench [name…]`: builds the app if needed, prepares a throwaway database, serves the
 * built app on 127.0.0.1 and runs the benchmarks in scripts/bench/, then prints one table. It reports
 * figures and never fails on time; it exits non-zero only when a benchmark could not run at all.
 */
async function main(): Promise<void> {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((name) => !benches.some((bench) => bench.name === name));
	if (unknown.length > 0) {
		throw new Error(
			`Unknown benchmark: ${unknown.join(', ')}. Choose from: ${benches.map((b) => b.name).join(', ')}.`
		);
	}
	const selected = wanted.length > 0 ? benches.filter((bench) => wanted.includes(bench.name)) : benches;

	ensureAppBuilt();
	const preparing = performance.now();
	const data = prepareDataDir('resiliencia-bench-');
	const preparedInMs = performance.now() - preparing;
	const entry = snapshotApp(data);
	let server: RunningServer | undefined;
	let browser: Promise<Browser> | undefined;
	try {
		server = await startServer(data.env, { entry });
		const ctx: BenchContext = {
			server,
			entry,
			dataEnv: data.env,
			preparedInMs,
			browser: () => (browser ??= launchChromium())
		};
		const rows: Row[] = [];
		for (const bench of selected) {
			console.error(`bench: ${bench.title}…`);
			try {
				for (const figure of await bench.run(ctx)) rows.push({ bench: bench.title, ...figure });
			} catch (error) {
				process.exitCode = 1;
				const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
				rows.push({ bench: bench.title, measure: 'could not run', value: '—', note: message });
			}
		}
		const chromium = browser ? ` · Chromium ${(await browser).version()} (SwiftShader WebGL)` : '';
		const cpus = os.cpus();
		console.log(
			`\nResiliencia benchmarks · Node ${process.version} · ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}${chromium}\n`
		);
		console.log(formatTable(rows));
	} finally {
		await (await browser)?.close();
		await server?.stop();
		data.remove();
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
