import type { PriorityInputs } from '$lib/schemas/analysis';
import { categoryById, type CategoryId } from '$lib/domain/categories';
import { commitmentStatus, type StoredStatus } from '$lib/domain/commitments';
import { monthLabel } from '$lib/domain/monthly-cube';
import type { Indicator } from '$lib/domain/priority-index';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import type { StatsService } from '../stats/stats';
import { municipalityEstimates } from '../surveys/estimates';

/**
 * The raw indicators of the priority index for every municipality, for the 12 months ending at
 * `to`. The browser normalises and weighs them (src/lib/domain/priority-index.ts), so moving a
 * slider needs no request. Inputs that have not landed (no survey wave, no dialogues) come back as
 * nulls and the index skips them.
 */

export const WINDOW_MONTHS = 12;

/** The log ratio of counts in the window to the 12 months before it, half a report added to each
 * side so that a municipality going from 0 to 3 has a finite, large trend. */
function logRatio(after: number, before: number): number {
	return Math.log((after + 0.5) / (before + 0.5));
}

function latestWave(db: DB, to: string): { wave: string | null; demo: boolean } {
	const wave = statement(db, 'SELECT max(wave) FROM survey_answers WHERE wave <= ?').pluck().get(to) as
		string | null;
	const demo = statement(db, 'SELECT 1 FROM survey_respondents WHERE demo = 1 LIMIT 1').get() !== undefined;
	return { wave, demo };
}

export function priorityInputs(
	db: DB,
	stats: StatsService,
	categories: readonly CategoryId[],
	to: number,
	today: string
): PriorityInputs {
	const from = to - WINDOW_MONTHS + 1;
	const window = { from: monthLabel(from), to: monthLabel(to) };
	const municipalities = statement(
		db,
		'SELECT m.code, m.name, d.name AS department FROM municipalities m JOIN departments d ON d.code = m.department_code ORDER BY m.code'
	).all() as { code: string; name: string; department: string }[];
	const codes = municipalities.map((m) => m.code);
	const position = new Map(codes.map((code, i) => [code, i]));
	const aligned = (values: { code: string; value: number | null }[]) => {
		const out: (number | null)[] = codes.map(() => null);
		for (const v of values) {
			const i = position.get(v.code);
			if (i !== undefined) out[i] = v.value;
		}
		return out;
	};

	// Hectares (coca, mining) have no rate per inhabitant: their area itself is ranked.
	const indicators: Indicator[] = categories.map((category) => ({
		id: `rate:${category}`,
		kind: 'rate',
		values: aligned(
			stats.municipalities(
				{ categories: [category], from, to },
				categoryById(category).unit === 'hectares' ? 'count' : 'smoothed_rate'
			)
		)
	}));

	// The trend and the lens add up reports of people and events; hectares cannot join them.
	const counted = categories.filter((c) => categoryById(c).unit !== 'hectares');
	// Like with like: the months both windows cover (a source ending in May is compared over
	// January–May of both years, never five months against twelve).
	const now = { categories: counted, from, to };
	const earlier = { categories: counted, from: from - WINDOW_MONTHS, to: from - 1 };
	const comparable = stats.comparableWindows(counted, now, earlier);
	const current = stats.municipalities(
		comparable ? { ...now, from: comparable.a.first, to: comparable.a.last } : now,
		'count'
	);
	const before = stats.municipalities(
		comparable ? { ...earlier, from: comparable.b.first, to: comparable.b.last } : earlier,
		'count'
	);
	const previous = new Map(before.map((b) => [b.code, b.count]));
	indicators.push({
		id: 'trend',
		kind: 'trend',
		values: aligned(
			current.map((c) => ({
				code: c.code,
				value: c.count === null || !comparable ? null : logRatio(c.count, previous.get(c.code) ?? 0)
			}))
		)
	});

	const { wave, demo } = latestWave(db, monthLabel(to));
	const survey = (target: string) =>
		wave === null
			? codes.map(() => null)
			: aligned(
					municipalityEstimates(db, target, wave, 'mean', { participation: false }).map((e) => ({
						code: e.code,
						// An estimate from fewer than 10 answers is too shaky to rank a municipality on.
						value: e.reliable && e.interval ? e.interval.estimate : null
					}))
				);
	indicators.push({ id: 'low-trust', kind: 'scale-low', values: survey('index') });
	indicators.push({ id: 'low-safety', kind: 'scale-low', values: survey('rural-safety') });

	// No dialogue in the window: 1. A dialogue known only by its year counts when the year overlaps.
	const held = new Set(
		statement(
			db,
			`SELECT DISTINCT municipality_code FROM dialogues
			 WHERE (date IS NOT NULL AND length(date) = 10 AND substr(date, 1, 7) BETWEEN ? AND ?)
			    OR ((date IS NULL OR length(date) < 10) AND year BETWEEN ? AND ?)`
		)
			.pluck()
			.all(window.from, window.to, Number(window.from.slice(0, 4)), Number(window.to.slice(0, 4))) as string[]
	);
	indicators.push({
		id: 'no-dialogue',
		kind: 'share',
		values: codes.map((code) => (held.has(code) ? 0 : 1))
	});

	// Share of a municipality's commitments that are overdue today; null without commitments.
	const commitments = statement(
		db,
		`SELECT d.municipality_code AS code, c.status, c.due_date AS dueDate FROM commitments c
		 JOIN dialogues d ON d.id = c.dialogue_id`
	).all() as { code: string; status: StoredStatus; dueDate: string | null }[];
	const overdue = new Map<string, { all: number; overdue: number }>();
	for (const c of commitments) {
		const entry = overdue.get(c.code) ?? { all: 0, overdue: 0 };
		entry.all += 1;
		if (commitmentStatus(c.status, c.dueDate, today) === 'overdue') entry.overdue += 1;
		overdue.set(c.code, entry);
	}
	indicators.push({
		id: 'overdue',
		kind: 'share',
		values: codes.map((code) => {
			const e = overdue.get(code);
			return e ? e.overdue / e.all : null;
		})
	});

	const rates = stats.municipalities({ categories: counted, from, to }, 'rate');
	return {
		codes,
		names: municipalities.map((m) => m.name),
		departments: municipalities.map((m) => m.department),
		window,
		coverage: Object.fromEntries(categories.map((c) => [c, stats.notes([c], from, to).coverage])),
		trendWindows: comparable
			? {
					from: monthLabel(comparable.a.first),
					to: monthLabel(comparable.a.last),
					previousFrom: monthLabel(comparable.b.first),
					previousTo: monthLabel(comparable.b.last)
				}
			: null,
		surveyWave: wave,
		surveyDemo: wave !== null && demo,
		indicators,
		lens: {
			reportRate: aligned(rates),
			trustPolice: survey('police'),
			trustProsecutors: survey('prosecutors')
		}
	};
}
