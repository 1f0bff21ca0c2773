import type { MonthRange } from './coverage';

/**
 * The denominators of rates: person-years of DANE population over the months a figure covers, so
 * that every rate is per 100,000 inhabitants **per year** whatever the length of its period, and
 * one function decides, for all of them:
 *
 * - a year after the last DANE projection uses the last projection year (2025 → 2024), and the
 *   answer says so; a year before the first uses the first;
 * - a municipality whose population is 0 in a year did not exist then (DANE writes 0 for the years
 *   before a municipality was created, e.g. San José de Uré before 2008): those months count for
 *   nothing, they are not averaged in as zeros;
 * - the projection base (census 2005 up to 2017, census 2018 from 2018, a break in the series) is
 *   named, so a period across 2017–18 can say it mixes them.
 *
 * Without a population table the 2018 census is used for every year (and named).
 */

export type PopulationTable = {
	/** Years with a DANE estimate, ascending. */
	years: readonly number[];
	/** Year → population per municipality (in the order of the index's codes). */
	byYear: ReadonlyMap<number, ArrayLike<number>>;
	/** The 2018 census, when no estimate is loaded. */
	census: ArrayLike<number>;
};

/** DANE's municipal series: 2005-census based up to 2017, 2018-census based from 2018. */
export function projectionBase(year: number): 'CNPV 2005' | 'CNPV 2018' {
	return year <= 2017 ? 'CNPV 2005' : 'CNPV 2018';
}

/** The year whose population stands for `year`: itself, or the nearest year with an estimate. */
export function populationYear(table: PopulationTable, year: number): number | null {
	if (table.years.length === 0) return null;
	const first = table.years[0]!;
	const last = table.years[table.years.length - 1]!;
	return Math.min(last, Math.max(first, year));
}

function row(table: PopulationTable, year: number): ArrayLike<number> {
	const used = populationYear(table, year);
	return used === null ? table.census : (table.byYear.get(used) ?? table.census);
}

/** Calendar years a window touches, each with its number of months inside the window. */
function yearsOf(window: MonthRange): { year: number; months: number }[] {
	const out: { year: number; months: number }[] = [];
	for (let year = Math.floor(window.first / 12); year <= Math.floor(window.last / 12); year++) {
		const first = Math.max(window.first, year * 12);
		const last = Math.min(window.last, year * 12 + 11);
		out.push({ year, months: last - first + 1 });
	}
	return out;
}

export type Exposure = {
	/** Person-years over the months the municipality existed (population > 0). */
	personYears: number;
	/** Its mean population over those months (0 when it never existed in the window). */
	meanPopulation: number;
};

/** Person-years of one municipality over a window. */
export function exposure(table: PopulationTable, municipality: number, window: MonthRange): Exposure {
	let personYears = 0;
	let months = 0;
	for (const { year, months: k } of yearsOf(window)) {
		const p = row(table, year)[municipality] ?? 0;
		if (!(p > 0)) continue;
		personYears += (p * k) / 12;
		months += k;
	}
	return { personYears, meanPopulation: months > 0 ? personYears / (months / 12) : 0 };
}

/** Rate per 100,000 per year: null without exposure. */
export function ratePerYear(count: number, personYears: number, per = 100_000): number | null {
	return personYears > 0 ? (count / personYears) * per : null;
}

export type DenominatorNote = {
	/** Rates are per `per` inhabitants per year. */
	per: number;
	perYear: true;
	/** 'projections': DANE estimates by year; 'census-2018': none loaded, the 2018 census throughout. */
	source: 'projections' | 'census-2018';
	/** Years of the window without an estimate and the year used for them (2025 → 2024). */
	substituted: { year: number; used: number }[];
	/** The projection bases the window uses; two when it crosses 2017–18. */
	bases: ('CNPV 2005' | 'CNPV 2018')[];
};

export function denominatorNote(table: PopulationTable, window: MonthRange | null): DenominatorNote {
	const note: DenominatorNote = {
		per: 100_000,
		perYear: true,
		source: table.years.length > 0 ? 'projections' : 'census-2018',
		substituted: [],
		bases: []
	};
	if (!window || table.years.length === 0) return note;
	const bases = new Set<'CNPV 2005' | 'CNPV 2018'>();
	for (const { year } of yearsOf(window)) {
		const used = populationYear(table, year)!;
		if (used !== year) note.substituted.push({ year, used });
		bases.add(projectionBase(used));
	}
	note.bases = [...bases].sort();
	return note;
}

/** The denominator's caveats in a sentence, or null when there is none to tell. */
export function denominatorText(note: DenominatorNote, lang: 'es' | 'en'): string | null {
	const parts: string[] = [];
	if (note.source === 'census-2018') {
		parts.push(
			lang === 'es'
				? 'población del censo 2018 (sin proyecciones cargadas)'
				: 'population of the 2018 census (no projections loaded)'
		);
	}
	if (note.substituted.length > 0) {
		const byUsed = new Map<number, number[]>();
		for (const s of note.substituted) byUsed.set(s.used, [...(byUsed.get(s.used) ?? []), s.year]);
		for (const [used, years] of byUsed) {
			const span = years.length === 1 ? `${years[0]}` : `${years[0]}–${years[years.length - 1]}`;
			parts.push(
				lang === 'es'
					? `${span} con la proyección DANE de ${used} (la más cercana publicada)`
					: `${span} with DANE's ${used} projection (the nearest published)`
			);
		}
	}
	if (note.bases.length > 1) {
		parts.push(
			lang === 'es'
				? 'el periodo une las proyecciones base censo 2005 (hasta 2017) y base censo 2018'
				: 'the period joins the projections based on the 2005 census (to 2017) and on the 2018 census'
		);
	}
	return parts.length > 0 ? parts.join('; ') : null;
}
