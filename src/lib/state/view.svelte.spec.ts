import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Sets the document's URL the way a navigation would (happy-dom's own control). */
function setUrl(path: string) {
	(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(
		new URL(path, 'http://localhost/').href
	);
}

// SvelteKit's router does not run here: `replaceState` just sets the document's URL.
vi.mock('$app/navigation', () => ({ replaceState: vi.fn((url: string) => setUrl(url)) }));

const { replaceState } = await import('$app/navigation');
const { ViewState, parseIssueChoice, parseTrustChoice } = await import('./view.svelte');

const at = (search: string) => new URL(`http://localhost/${search}`);

beforeEach(() => setUrl('/'));
afterEach(() => vi.mocked(replaceState).mockClear());

describe('the view in the URL', () => {
	it('reads a shared link: categories, period, measure, classes, municipality and language', () => {
		const view = new ViewState(
			at(
				'?c=homicide,landmines,bogus,homicide&from=2019-01&to=2019-13&measure=rate&cls=jenks&m=52835&lang=en'
			)
		);
		expect(view.issues).toEqual({
			categories: ['homicide', 'landmines'],
			from: '2019-01',
			to: null,
			measure: 'rate',
			method: 'jenks'
		});
		expect(view.selectedCode).toBe('52835');
		// A municipality from the URL is fitted once its bounding box arrives.
		expect(view.fitCode).toBe('52835');
		expect(view.locale).toBe('en');
	});

	it('falls back to the defaults for anything it does not know', () => {
		const params = new URLSearchParams('measure=median&cls=equal&t=Not+A+Slug&tm=2020-9&tmeasure=odd');
		expect(parseIssueChoice(params)).toEqual({
			categories: [],
			from: null,
			to: null,
			measure: 'count',
			method: 'quantiles'
		});
		expect(parseTrustChoice(params)).toEqual({ target: null, month: null, measure: 'mean' });
		expect(new ViewState(at('?m=123&lang=fr')).selectedCode).toBeNull();
		expect(new ViewState(at('?lang=fr')).locale).toBe('es');
	});

	it('writes each change back, keeping parameters it does not own and leaving defaults out', () => {
		setUrl('/?utm=x');
		const view = new ViewState(at('?utm=x'));
		view.setIssues({ categories: ['homicide'], from: '2019-01', to: '2019-03' });
		expect(location.search).toBe('?utm=x&c=homicide&from=2019-01&to=2019-03');
		view.setIssues({ measure: 'smoothed_rate' });
		view.select('05001');
		view.setLocale('en');
		expect(location.search).toBe(
			'?utm=x&c=homicide&from=2019-01&to=2019-03&measure=smoothed_rate&m=05001&lang=en'
		);
		view.setLocale('es');
		view.select(null);
		view.setIssues({ categories: [] });
		// No categories: the period and measure belong to the issue layer and leave with it.
		expect(location.search).toBe('?utm=x');
	});

	it('shows one thematic layer at a time: trust turns the categories off and back', () => {
		const view = new ViewState(at('?c=homicide'));
		view.setTrust({ target: 'police', month: '2020-09' });
		expect(view.issues.categories).toEqual([]);
		expect(location.search).toBe('?t=police&tm=2020-09');
		view.setIssues({ categories: ['landmines'] });
		expect(view.trust.target).toBeNull();
		expect(location.search).toBe('?c=landmines');
		// Changing only the trust measure keeps the categories.
		view.setTrust({ measure: 'share' });
		expect(view.issues.categories).toEqual(['landmines']);
	});

	it('does not write the URL when nothing changed', () => {
		const view = new ViewState(at(''));
		view.select(null);
		view.setLocale('es');
		expect(replaceState).not.toHaveBeenCalled();
	});

	it('links to a neighbour with the same view', () => {
		const view = new ViewState(at('?c=homicide&m=05001&lang=en'));
		expect(view.hrefFor('05088')).toBe('/?c=homicide&m=05088&lang=en');
	});

	it('selecting from the search fits the map, a click on the map does not', () => {
		const view = new ViewState(at(''));
		view.select('05001', { fit: true });
		expect(view.fitCode).toBe('05001');
		view.select('05088');
		expect(view.fitCode).toBeNull();
		// Reading the same municipality back from the URL (Back/Forward) does not fit again.
		view.readUrl(at('?m=05088'));
		expect(view.fitCode).toBeNull();
	});
});
