import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import type { Alert } from '$lib/schemas/alerts';
import { atomFeed, xml } from './feed';

describe('the alerts Atom feed', () => {
	it('escapes everything it interpolates, so a hostile name stays text', () => {
		expect(xml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
			'&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;'
		);
		const alert: Alert = {
			key: 'homicide|municipality|52835|2020-06|threat',
			code: '52835',
			name: '</title><script>alert(1)</script> & "co"',
			level: 'municipality',
			category: 'homicide',
			month: '2020-06',
			rule: 'threat',
			grain: 'month',
			period: '2020-06',
			current: 20,
			baseline: 6,
			threshold: 12,
			series: [],
			acknowledgements: 0,
			acknowledgedByMe: false,
			responses: []
		};
		const atom = atomFeed({
			id: 'http://localhost/api/alerts/feed',
			pageUrl: 'http://localhost/alertas',
			updated: '2026-12-04T18:00:00.000Z',
			alerts: [alert]
		});
		const doc = new new Window().DOMParser().parseFromString(atom, 'application/xml');
		expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
		expect(doc.getElementsByTagName('script')).toHaveLength(0);
		const entry = doc.getElementsByTagName('entry')[0]!;
		expect(entry.getElementsByTagName('title')[0]!.textContent).toContain('<script>alert(1)</script> & "co"');
		expect(entry.getElementsByTagName('link')[0]!.getAttribute('href')).toBe(
			'http://localhost/alertas?category=homicide&level=municipality&month=2020-06'
		);
		expect(entry.getElementsByTagName('summary')[0]!.textContent).toMatch(
			/Actual 20, línea base 6\.0, umbral 12\.0/
		);
	});
});
