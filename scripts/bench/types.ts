import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../tests/e2e/server';

/** One line of the results table. */
export type Figure = {
	measure: string;
	value: string;
	/** How it was measured: sample size, spread, conditions. */
	note?: string;
};

export type BenchContext = {
	/** The built app serving a freshly prepared temporary database on 127.0.0.1. */
	server: RunningServer;
	/** The built app's entry point (a private copy of build/index.js) for benches that start their own. */
	entry: string;
	/** Environment pointing a server at the same temporary database and build folder. */
	dataEnv: Record<string, string>;
	/** Milliseconds `scripts/prepare-data.ts` took to migrate, build boundaries and seed. */
	preparedInMs: number;
	/** Headless Chromium, launched on first use and shared. */
	browser: () => Promise<Browser>;
};

/**
 * A benchmark module in scripts/bench/. It reports figures and never judges them: timings vary
 * with the machine, so `npm run bench` has no thresholds and does not fail on time.
 */
export type Bench = {
	name: string;
	title: string;
	run: (ctx: BenchContext) => Promise<Figure[]>;
};
