import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core: no browser download (never `npx playwright install`).
 * Shared by the end-to-end tests and the benchmarks; nothing here imports vitest.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	// No traffic of Chromium's own, so that every request seen belongs to the app.
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	// WebGL without a GPU: ANGLE on SwiftShader (software Vulkan). Chromium is retiring its silent
	// fallback to SwiftShader, so it is asked for explicitly.
	'--use-angle=swiftshader',
	'--enable-unsafe-swiftshader'
];

/** Screenshots and other artefacts (gitignored). */
export const OUTPUT_DIR = path.resolve(import.meta.dirname, '..', '.output');

export async function launchChromium(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\`.`);
	}
	return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export type AppSession = {
	context: BrowserContext;
	page: Page;
	baseURL: string;
	/** Every URL requested, in order, including those of workers. */
	requests: string[];
	/** Requests (and WebSockets) to any origin other than the app's; they are blocked, not sent. */
	foreignRequests: string[];
	/** Console errors and uncaught exceptions in the page. */
	consoleErrors: string[];
	close: () => Promise<void>;
};

/** data: and blob: URLs are made in the page itself and never reach a network. */
function leavesOrigin(url: string, origin: string): boolean {
	const parsed = new URL(url);
	if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
	return parsed.origin !== origin;
}

/**
 * A fresh browser context (empty cache and storage) on the app, recording what the page asks
 * for and what it complains about. Motion is reduced so that map moves finish at once.
 *
 * `blockForeign` (default) aborts any request to another origin before it is sent. Playwright
 * turns the HTTP cache off while a route is set, so timings of cached loads pass `false`.
 */
export async function openApp(
	browser: Browser,
	baseURL: string,
	{ blockForeign = true }: { blockForeign?: boolean } = {}
): Promise<AppSession> {
	const origin = new URL(baseURL).origin;
	const context = await browser.newContext({
		baseURL,
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
		locale: 'es-CO',
		reducedMotion: 'reduce'
	});
	const requests: string[] = [];
	const foreignRequests: string[] = [];
	const consoleErrors: string[] = [];

	context.on('request', (request) => {
		requests.push(request.url());
		if (leavesOrigin(request.url(), origin)) foreignRequests.push(`${request.method()} ${request.url()}`);
	});
	if (blockForeign) {
		// A request that slipped past the app's CSP must not reach the network: CI may be offline.
		await context.route(
			(url) => leavesOrigin(url.href, origin),
			(route) => route.abort('blockedbyclient')
		);
	}

	const page = await context.newPage();
	page.on('websocket', (socket) => {
		if (leavesOrigin(socket.url().replace(/^ws/, 'http'), origin)) foreignRequests.push(`WS ${socket.url()}`);
	});
	page.on('console', (message) => {
		if (message.type() !== 'error') return;
		const where = message.location().url;
		consoleErrors.push(where ? `${message.text()} (${where})` : message.text());
	});
	page.on('pageerror', (error) => consoleErrors.push(`Uncaught ${error.name}: ${error.message}`));

	return { context, page, baseURL, requests, foreignRequests, consoleErrors, close: () => context.close() };
}

/** Saves a PNG screenshot of the page or of one element to tests/.output/<name>.png and returns it. */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<Buffer> {
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const file = path.join(OUTPUT_DIR, `${name}.png`);
	return target.screenshot({ path: file, type: 'png', animations: 'disabled' });
}
