import { categoryById } from '$lib/domain/categories';
import type { Alert } from '$lib/schemas/alerts';

/**
 * Alerts as an Atom 1.0 feed (RFC 4287), so that they reach people without the app open: one
 * entry per alert, its id the alert's key (stable, so a reader shows each alert once), the text in
 * Spanish then English. Everything interpolated is escaped (`xml`).
 */

export function xml(text: string): string {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&apos;');
}

const RULE_NAMES: Record<Alert['rule'], { es: string; en: string }> = {
	threat: { es: 'Amenaza (mes ≥ 2 × media de 12 meses)', en: 'Threat (month ≥ 2 × 12-month mean)' },
	surge: { es: 'Repunte (semana ≥ 2 × media de 4 semanas)', en: 'Surge (week ≥ 2 × 4-week mean)' },
	change: { es: 'Aumento', en: 'Increase' },
	anomaly: { es: 'Anomalía (Farrington)', en: 'Anomaly (Farrington)' }
};

export function alertTitle(a: Alert, lang: 'es' | 'en'): string {
	const category = categoryById(a.category).label[lang];
	return `${RULE_NAMES[a.rule][lang]}: ${category}, ${a.name} (${a.period})`;
}

function summary(a: Alert): string {
	const baseline = a.baseline.toFixed(1);
	return (
		`${alertTitle(a, 'es')}. Actual ${a.current}, línea base ${baseline}, umbral ${a.threshold.toFixed(1)}. — ` +
		`${alertTitle(a, 'en')}. Current ${a.current}, baseline ${baseline}, threshold ${a.threshold.toFixed(1)}.`
	);
}

export function atomFeed(options: {
	/** The feed's own URL without its token (the id must not carry the credential). */
	id: string;
	/** Where the page of each alert is. */
	pageUrl: string;
	updated: string;
	alerts: readonly Alert[];
}): string {
	const { id, pageUrl, updated, alerts } = options;
	const entries = alerts.map((a) => {
		const link = `${pageUrl}?category=${encodeURIComponent(a.category)}&level=${a.level}&month=${a.month}`;
		return [
			'  <entry>',
			`    <id>urn:resiliencia:alert:${xml(a.key)}</id>`,
			`    <title>${xml(alertTitle(a, 'es'))}</title>`,
			`    <updated>${xml(updated)}</updated>`,
			`    <link rel="alternate" href="${xml(link)}"/>`,
			`    <category term="${xml(a.category)}"/>`,
			`    <summary>${xml(summary(a))}</summary>`,
			'  </entry>'
		].join('\n');
	});
	return [
		'<?xml version="1.0" encoding="utf-8"?>',
		'<feed xmlns="http://www.w3.org/2005/Atom">',
		`  <id>${xml(id)}</id>`,
		'  <title>Resiliencia · Alertas tempranas</title>',
		'  <author><name>Resiliencia</name></author>',
		`  <updated>${xml(updated)}</updated>`,
		`  <link rel="alternate" href="${xml(pageUrl)}"/>`,
		...entries,
		'</feed>',
		''
	].join('\n');
}
