import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		// MapLibre and deck.gl are large by nature; they are split into their own lazy chunk.
		chunkSizeWarningLimit: 2000
	},
	test: {
		include: ['src/**/*.spec.ts', 'geo/**/*.spec.ts', 'tests/api/**/*.spec.ts', 'scripts/**/*.spec.ts'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks'
	}
});
