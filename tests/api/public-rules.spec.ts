import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicRules } from '../../src/lib/state/public-rules';
import type { PublicDictionary } from '../../src/lib/api';
import { createTestContext } from './helpers';

/**
 * The browser's public picker (src/lib/state/public-rules.ts) reads what the public may ask from
 * the release's data dictionary instead of copying the rules: here, against the real API, every
 * request it makes is answered, and what it declines to ask is what the API refuses.
 */

let ctx: ReturnType<typeof createTestContext>;
let rules: PublicRules;

const get = (path: string) => ctx.api.request(`/api${path}`);
const figures = (geography: string, categories: readonly string[], from: string, to: string) =>
	get(
		`/stats/${geography === 'municipality' ? 'municipalities' : 'departments'}?category=${categories.join(',')}&from=${from}&to=${to}&measure=count`
	);

beforeAll(async () => {
	ctx = createTestContext();
	const response = await get('/public/dictionary');
	expect(response.status).toBe(200);
	const extent = (await (await get('/stats/extent')).json()) as { yearly: string[] };
	rules = new PublicRules((await response.json()) as PublicDictionary, extent.yearly);
});
afterAll(() => ctx.cleanup());

describe('the public picker against the API', () => {
	it('offers the group and every category, and the API answers each as the picker asks it', async () => {
		expect(rules.choices[0]!.id).toBe('all-non-sensitive');
		expect(rules.choices.length).toBeGreaterThan(10);
		for (const choice of rules.choices) {
			const asked = rules.periodOf(choice, '2023-02', '2023-02');
			const response = await figures(choice.geography, choice.categories, asked.from, asked.to);
			expect(response.status, choice.id).toBe(200);
			const body = (await response.json()) as { from: string; to: string };
			expect([body.from, body.to]).toEqual([asked.from, asked.to]);
		}
	});

	it('declines what the API refuses: other sets, finer areas and periods than the table publishes', async () => {
		expect(rules.choiceOf(['homicide', 'extortion'])).toBeNull();
		expect((await figures('municipality', ['homicide', 'extortion'], '2023-01', '2023-12')).status).toBe(403);

		const sensitive = rules.choiceOf(['sexual-violence'])!;
		expect(sensitive.geography).toBe('department');
		expect((await figures('municipality', ['sexual-violence'], '2023-01', '2023-12')).status).toBe(403);
		// A single month is not published for it: the picker asks the whole year instead.
		expect(rules.periodOf(sensitive, '2023-02', '2023-02')).toEqual({
			from: '2023-01',
			to: '2023-12',
			snapped: true
		});
		expect((await figures('department', ['sexual-violence'], '2023-02', '2023-02')).status).toBe(403);

		// A range off the grid is never asked; the API refuses it too.
		const homicide = rules.choiceOf(['homicide'])!;
		expect(rules.periodOf(homicide, '2023-02', '2023-05').snapped).toBe(true);
		expect((await figures('municipality', ['homicide'], '2023-02', '2023-05')).status).toBe(403);
	});
});
