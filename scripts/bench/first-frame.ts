import { openApp } from '../../tests/e2e/browser';
import { median, ms, spread } from './stats';
import type { Bench } from './types';

const RUNS = 5;

/**
 * Installed before the page's own scripts: notes `performance.now()` (ms since navigation start)
 * when the map container gets `data-ready="true"`, i.e. the first frame drawn with municipalities.
 */
const RECORD_FIRST_FRAME = `
	new MutationObserver((_, observer) => {
		if (document.querySelector('[data-testid="map"][data-ready="true"]')) {
			window.__firstFrameAt = performance.now();
			observer.disconnect();
		}
	}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'], childList: true });
`;

/**
 * (c) Navigation start to the first map frame with data, in headless Chromium with software WebGL
 * (SwiftShader): a cold load in a fresh browser context (empty cache), then a reload (warm cache).
 * A reload's clock starts before the old page unloads, so it also pays for tearing down the old
 * map and its WebGL context, which software rendering makes slow.
 */
export const firstFrame: Bench = {
	name: 'first-frame',
	title: 'First map frame',
	async run({ server, browser }) {
		const chromium = await browser();
		const cold: number[] = [];
		const warm: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			// No request routing: it would switch the HTTP cache off and make the warm figure cold.
			const session = await openApp(chromium, server.baseURL, { blockForeign: false });
			try {
				await session.context.addInitScript(RECORD_FIRST_FRAME);
				for (const sample of [cold, warm]) {
					if (sample === cold) await session.page.goto('/');
					else await session.page.reload();
					const handle = await session.page.waitForFunction(
						() => (window as { __firstFrameAt?: number }).__firstFrameAt,
						undefined,
						{ timeout: 60_000 }
					);
					sample.push((await handle.jsonValue()) as number);
				}
				const problems = [...session.consoleErrors, ...session.foreignRequests];
				if (problems.length > 0)
					throw new Error(`Console errors or foreign requests: ${problems.join('; ')}`);
			} finally {
				await session.close();
			}
		}
		return [
			{
				measure: 'navigation → first frame, cold cache',
				value: ms(median(cold)),
				note: `median; ${spread(cold)}`
			},
			{
				measure: 'navigation → first frame, warm cache',
				value: ms(median(warm)),
				note: `median; ${spread(warm)}; reload, includes unloading the old map`
			}
		];
	}
};
