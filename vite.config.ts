import { sveltekit } from '@sveltejs/kit/vite';
import { configDefaults, defineConfig } from 'vitest/config';

/** Component and rune-state tests (below): excluded from the node-only unit project. */
const COMPONENT_TESTS = ['src/**/*.svelte.spec.ts', 'src/**/*.component.spec.ts'];

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		// MapLibre and deck.gl are large by nature; they are split into their own lazy chunk.
		chunkSizeWarningLimit: 2000
	},
	test: {
		// `npm test` runs every tier in one `vitest run`; the summary reporter prints the last line,
		// `N passed, N failed`, which CI reads.
		reporters: ['default', './tests/reporters/summary.ts'],
		// A stray `.only` must fail the run, not quietly shrink it.
		allowOnly: false,
		pool: 'forks',
		projects: [
			{
				// `extends: true` keeps the root plugins: the unit tests import through `$lib`.
				extends: true,
				test: {
					name: 'unit',
					include: [
						'src/**/*.spec.ts',
						'geo/**/*.spec.ts',
						'scripts/**/*.spec.ts',
						'tests/api/**/*.spec.ts',
						'tests/audit/**/*.spec.ts',
						'tests/reporters/**/*.spec.ts',
						'tests/e2e/**/*.spec.ts'
					],
					exclude: [...configDefaults.exclude, ...COMPONENT_TESTS],
					environment: 'node',
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				// Rune state classes and components, mounted in a simulated DOM (happy-dom; jsdom 31
				// needs Node 22). The map is stubbed in these tests: no WebGL. Svelte's `mount` is
				// its browser build, hence the `browser` condition.
				extends: true,
				resolve: { conditions: ['browser'] },
				test: {
					name: 'component',
					include: COMPONENT_TESTS,
					environment: 'happy-dom'
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.e2e.ts'],
					environment: 'node',
					// Builds the app, prepares a temporary database and serves the built app (tests/e2e).
					globalSetup: ['tests/e2e/global-setup.ts'],
					// One Chromium at a time: on two cores, software WebGL is the bottleneck.
					fileParallelism: false,
					testTimeout: 90_000,
					hookTimeout: 120_000,
					// The UI settles in well under a second on a laptop, but software WebGL on two busy
					// cores can take several; a poll only waits as long as it has to.
					expect: { poll: { timeout: 20_000, interval: 100 } }
				}
			}
		]
	}
});
