import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';
import { launchChromium, openApp, saveScreenshot, type AppSession } from './browser';

/**
 * What every e2e file shares: one Chromium per file, a fresh context per page, and after each test
 * the checks that hold whatever the test did: no request left the app's origin and the console
 * stayed clean. The last state of each page is kept as tests/.output/last-<test>.png.
 * Call `useApp()` at the top of a test file.
 */
export function useApp() {
	const baseURL = inject('baseURL');
	let browser: Browser;
	let sessions: AppSession[] = [];

	beforeAll(async () => {
		browser = await launchChromium();
	});

	afterAll(async () => {
		await browser?.close();
	});

	afterEach(async ({ task }) => {
		const open = sessions;
		sessions = [];
		const name = `last-${task.name.replace(/\W+/g, '-').replace(/^-|-$/g, '')}`;
		await Promise.all(open.map((session) => saveScreenshot(session.page, name).catch(() => undefined)));
		try {
			for (const session of open) {
				expect(session.foreignRequests, 'requests outside the app origin').toEqual([]);
				expect(session.consoleErrors, 'console errors').toEqual([]);
			}
		} finally {
			await Promise.all(open.map((session) => session.close()));
		}
	});

	/** A fresh browser context on the app, checked after the test. */
	async function open(): Promise<AppSession> {
		const session = await openApp(browser, baseURL);
		sessions.push(session);
		return session;
	}

	/** Opens `path` and waits until the municipalities have been drawn. */
	async function openMap(path: string): Promise<AppSession> {
		const session = await open();
		await session.page.goto(path);
		await session.page.locator('[data-testid="map"][data-ready="true"]').waitFor({ timeout: 60_000 });
		return session;
	}

	return { open, openMap };
}

/**
 * Signs in through the login page and waits for `next` to load. The form is filled once the page
 * is hydrated: hydration resets bound inputs typed into before it.
 */
export async function signIn(
	page: Page,
	who: { email: string; password: string },
	next: string
): Promise<void> {
	await page.goto(`/ingresar?next=${encodeURIComponent(next)}`);
	await page.waitForLoadState('networkidle');
	await page.locator('input[name=email]').fill(who.email);
	await page.locator('input[name=password]').fill(who.password);
	await page.locator('button[type=submit]').click();
	await page.waitForURL((url) => url.pathname === next.split('?')[0]);
	await page.waitForLoadState('networkidle');
}
