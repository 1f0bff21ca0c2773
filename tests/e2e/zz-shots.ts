import { launchChromium, openApp } from './browser';

const base = process.env.BASE!;
async function cookieFor(email: string) {
	const res = await fetch(`${base}/api/auth/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Origin: base },
		body: JSON.stringify({ email, password: 'Quebrada-Azul-Llanura-77' })
	});
	const set = res.headers.get('set-cookie')!;
	const [name, value] = set.split(';')[0]!.split('=');
	return { name: name!, value: value!, url: base };
}
const browser = await launchChromium();
for (const [who, query] of [
	['planner', 'category=homicide&level=department&month=2024-12'],
	['narino', 'category=homicide&level=municipality&month=2024-12']
] as const) {
	for (const lang of ['es', 'en']) {
		for (const [w, h] of [
			[1280, 900],
			[390, 844]
		] as const) {
			const app = await openApp(browser, base);
			await app.context.addCookies([await cookieFor(`${who}@example.org`)]);
			await app.page.setViewportSize({ width: w, height: h });
			await app.page.goto(`/alertas?${query}${lang === 'en' ? '&lang=en' : ''}`);
			await app.page.waitForSelector('[data-testid=alerts-count]');
			await app.page.screenshot({ path: `/tmp/h3shots/${who}-${lang}-${w}.png`, fullPage: false });
			console.log(who, lang, w, app.consoleErrors, app.foreignRequests);
			await app.close();
		}
	}
}
await browser.close();
