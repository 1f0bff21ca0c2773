import { describe, expect, it } from 'vitest';
import type { Locale } from '$lib/i18n';
import { Atlas, type MunicipalityFeature } from '$lib/state/atlas.svelte';
import { CLUSTER_CLASSES, ClusterState } from '$lib/state/clusters.svelte';
import { IssueLayer, type StatsAnswer } from '$lib/state/issues.svelte';
import { TrustLayer } from '$lib/state/trust.svelte';
import type { IssueChoice } from '$lib/state/view.svelte';
import type { CategoryCoverage } from '$lib/domain/coverage';
import { figureNotes } from '$lib/domain/figure-notes';
import { monthIndex } from '$lib/domain/monthly-cube';
import { classKeyOf, marksIn } from '.';
import { ClusterMap } from './clusters.svelte';
import { DensityMap } from './density.svelte';
import { IssueMap } from './issues.svelte';
import { TrustMap } from './trust.svelte';
import type { EmergingHotSpotValue } from '$lib/schemas/analysis';
import { EHSA_CLASSES, EmergingState } from '$lib/state/emerging-hot-spots.svelte';
import { EmergingMap } from './emerging.svelte';

/**
 * The thematic layers' answers per municipality (class, tooltip) and about themselves (legend,
 * class key), on state filled by hand: no server, no map.
 */

const CODES = ['05001', '05002', '52835', '11001'];

function feature(code: string, name: string, density: number | null): MunicipalityFeature {
	return {
		type: 'Feature',
		geometry: { type: 'Polygon', coordinates: [] },
		properties: { code, name, departmentName: '', density }
	};
}

function atlasWith(densities: (number | null)[]): Atlas {
	const atlas = new Atlas(() => ({ municipalities: null, departments: null }));
	atlas.features = CODES.map((code, i) => feature(code, code, densities[i] ?? null));
	atlas.classification = { breaks: [10, 100], min: 1, max: 5000, classCount: 3 };
	atlas.status = 'ready';
	return atlas;
}

/** A reactive locale and the layers' getters onto it. */
function localeBox(initial: Locale) {
	const box = $state({ locale: initial });
	return box;
}

/** What the server says about a homicide figure over `from`–`to` when the source covers `covered`. */
function homicideNotes(from: string, to: string, covered = { from: '2003-01', to: '2024-12' }) {
	const coverage: CategoryCoverage = {
		range: { first: monthIndex(covered.from), last: monthIndex(covered.to) },
		precision: 'month',
		absence: 'zero',
		departments: new Map()
	};
	const population = { years: [2018], byYear: new Map([[2018, [1000]]]), census: [1000] };
	return figureNotes([['homicide', coverage]], population, monthIndex(from), monthIndex(to));
}

function issuesWith(
	values: StatsAnswer['values'],
	geography: 'municipality' | 'department' = 'municipality',
	notes = homicideNotes('2019-01', '2019-12')
) {
	const issues = new IssueLayer();
	issues.extent = {
		from: '2019-01',
		to: '2019-12',
		categories: { homicide: { from: '2019-01', to: '2019-12' } },
		attributions: { homicide: ['Fuente: Policía Nacional – DIJIN, SIEDCO'] },
		yearly: []
	};
	issues.status = 'ready';
	issues.geography = geography;
	issues.period = { from: '2019-01', to: '2019-12', snapped: false, label: '2019' };
	issues.answer = {
		measure: 'count',
		smoothing: undefined,
		unit: 'victims',
		per: undefined,
		categories: ['homicide'],
		from: '2019-01',
		to: '2019-12',
		total: 12656,
		values,
		release: 1,
		...notes
	};
	issues.figures = Object.fromEntries(values.map((v) => [v.code, v]));
	issues.classification = { breaks: [10, 100], min: 0, max: 583, classCount: 3 };
	return issues;
}

const HOMICIDE_CHOICE: IssueChoice = {
	categories: ['homicide'],
	from: null,
	to: null,
	measure: 'count',
	method: 'quantiles'
};

describe('classKeyOf', () => {
	it('changes exactly when a class or the palette changes', () => {
		const a = classKeyOf(CODES, (c) => (c === '05001' ? 2 : 0), ['#fff', '#000', '#f00']);
		expect(classKeyOf(CODES, (c) => (c === '05001' ? 2 : 0), ['#fff', '#000', '#f00'])).toBe(a);
		expect(classKeyOf(CODES, () => 0, ['#fff', '#000', '#f00'])).not.toBe(a);
		expect(classKeyOf(CODES, (c) => (c === '05001' ? 2 : 0), ['#fff', '#000', '#0f0'])).not.toBe(a);
	});

	it('tells whether the map has withheld and no-data municipalities', () => {
		expect(marksIn(classKeyOf(CODES, () => 1, ['#abcdef']))).toEqual({ suppressed: false, noData: false });
		const mixed = classKeyOf(CODES, (c) => (c === '05001' ? 'suppressed' : c === '11001' ? null : 0), []);
		expect(marksIn(mixed)).toEqual({ suppressed: true, noData: false });
		expect(marksIn(classKeyOf(CODES, () => 'no-data', ['#000']))).toEqual({
			suppressed: false,
			noData: true
		});
	});
});

describe('the density layer', () => {
	it('classes each municipality by its density and shows it in bold with its unit', () => {
		const box = localeBox('es');
		const layer = new DensityMap(atlasWith([6329, 50, 1, null]), () => box.locale);
		expect(CODES.map((c) => layer.classOf(c))).toEqual([2, 1, 0, 'no-data']);
		expect(layer.colours).toHaveLength(3);
		expect(layer.tooltip('05001')).toEqual([{ figure: '6.329', unit: 'hab./km²' }]);
		expect(layer.tooltip('11001')).toEqual(['Sin datos']);
		expect(layer.legend.title).toBe('Densidad de población, 2018');
		expect(layer.legend.classes.map((c) => c.colour)).toEqual(layer.colours);
		expect(layer.legend.noData).toBe('Sin datos');
		expect(layer.status).toEqual({ state: 'ready', text: '' });

		const key = layer.classKey;
		box.locale = 'en';
		expect(layer.tooltip('05001')).toEqual([{ figure: '6,329', unit: 'inh./km²' }]);
		expect(layer.legend.title).toBe('Population density, 2018');
		// Another language, the same colours.
		expect(layer.classKey).toBe(key);
	});
});

describe('the reported-issues layer', () => {
	const values: StatsAnswer['values'] = [
		{ code: '05001', population: 2372330, value: 583, count: 583 },
		{ code: '05002', population: 20000, value: 5, count: 5 },
		{ code: '52835', population: 138091, value: null, count: null, suppressed: '1–10' }
	];

	it('answers classes, withheld figures and no data, with the figure and its unit in the tooltip', () => {
		const box = localeBox('es');
		const issues = issuesWith(values);
		const layer = new IssueMap(
			issues,
			() => HOMICIDE_CHOICE,
			() => CODES,
			() => box.locale
		);
		expect(CODES.map((c) => layer.classOf(c))).toEqual([2, 0, 'suppressed', 'no-data']);
		expect(layer.tooltip('05001')).toEqual(['583 víctimas']);
		expect(layer.tooltip('52835')).toEqual(['1–10 víctimas']);
		expect(layer.tooltip('11001')).toEqual(['Sin datos']);
		box.locale = 'en';
		expect(layer.tooltip('05001')).toEqual(['583 victims']);
	});

	it('describes itself in a legend: title with period, unit, total, sources, withheld and no data', () => {
		const box = localeBox('es');
		const layer = new IssueMap(
			issuesWith(values),
			() => HOMICIDE_CHOICE,
			() => CODES,
			() => box.locale
		);
		const legend = layer.legend;
		expect(legend.title).toBe('Homicidio, 2019');
		expect(legend.unit).toEqual({ text: 'Número (víctimas)' });
		expect(legend.classes).toHaveLength(3);
		expect(legend.suppressed).toBe('Suprimido (1 a 10) o retenido (—)');
		expect(legend.noData).toBe('Sin datos');
		expect(legend.method).toBe('Clases por cuantiles');
		expect(legend.notes).toEqual(['Total: 12.656 víctimas']);
		expect(legend.sources).toEqual(['Fuente: Policía Nacional – DIJIN, SIEDCO']);
		box.locale = 'en';
		expect(layer.legend.title).toBe('Homicide, 2019');
		expect(layer.legend.notes).toEqual(['Total: 12,656 victims']);
	});

	it('names the covered months of a partial period and the caveats of a rate in the legend', () => {
		const box = localeBox('es');
		const issues = issuesWith(values, 'municipality', homicideNotes('2024-06', '2025-05'));
		issues.answer = { ...issues.answer!, measure: 'rate', total: null };
		const layer = new IssueMap(
			issues,
			() => ({ ...HOMICIDE_CHOICE, measure: 'rate' }),
			() => CODES,
			() => box.locale
		);
		expect(layer.legend.unit).toEqual({ text: 'por 100.000 habitantes al año' });
		expect(layer.legend.notes).toEqual([
			'Cubre junio–diciembre de 2024 (7 de 12 meses)',
			issues.answer.denominator.text!.es
		]);
		expect(issues.answer.denominator.text!.es).toContain('2018');
		box.locale = 'en';
		expect(layer.legend.notes[0]).toBe('Covers June–December 2024 (7 of 12 months)');
		// A whole covered period has no coverage note; a count has no denominator.
		const whole = new IssueMap(
			issuesWith(values),
			() => HOMICIDE_CHOICE,
			() => CODES,
			() => 'es'
		);
		expect(whole.legend.notes).toEqual(['Total: 12.656 víctimas']);
	});

	it('changes its class key with new figures (the next month), not with the language', () => {
		const box = localeBox('es');
		const issues = issuesWith(values);
		const layer = new IssueMap(
			issues,
			() => HOMICIDE_CHOICE,
			() => CODES,
			() => box.locale
		);
		const before = layer.classKey;
		box.locale = 'en';
		expect(layer.classKey).toBe(before);
		// New figures that leave every class where it was: the same colours, the same key.
		issues.figures = { ...issues.figures, '05001': { value: 400, count: 400 } };
		expect(layer.classKey).toBe(before);
		issues.figures = { ...issues.figures, '05002': { value: 50, count: 50 } };
		expect(layer.classKey).not.toBe(before);
		expect(layer.classOf('05002')).toBe(1);
	});

	it('colours a municipality with its department on the public department layer', () => {
		const issues = issuesWith([{ code: '05', population: 6_000_000, value: 150, count: 150 }], 'department');
		const layer = new IssueMap(
			issues,
			() => HOMICIDE_CHOICE,
			() => CODES,
			() => 'es'
		);
		expect(CODES.map((c) => layer.classOf(c))).toEqual([2, 2, 'no-data', 'no-data']);
		expect(layer.legend.title).toBe('Homicidio, 2019, por departamento');
	});

	it('says so when the figures failed to load', () => {
		const issues = issuesWith(values);
		issues.status = 'error';
		issues.message = 'HTTP 500';
		const layer = new IssueMap(
			issues,
			() => HOMICIDE_CHOICE,
			() => CODES,
			() => 'es'
		);
		expect(layer.status).toEqual({ state: 'error', text: 'No se pudieron cargar las cifras: HTTP 500' });
	});
});

describe('the trust layer', () => {
	function trustWith() {
		const trust = new TrustLayer();
		trust.waves = { from: '2020-01', to: '2022-09', demo: true };
		trust.status = 'ready';
		trust.month = '2020-09';
		trust.estimates = {
			'05001': {
				code: '05001',
				n: 50,
				panel: 60,
				nonResponse: 0.1,
				attrition: 0.05,
				reliable: true,
				interval: { estimate: 3.2, low: 2.9, high: 3.5 },
				shrunk: 3.1,
				change: null,
				demo: true
			},
			'52835': {
				code: '52835',
				n: null,
				panel: 4,
				demo: true,
				interval: null,
				shrunk: null,
				change: null,
				withheld: 'n < 10'
			}
		};
		return trust;
	}

	it('classes on the fixed answer scale, withholds small panels and says who is outside the panel', () => {
		const layer = new TrustMap(
			trustWith(),
			() => ({ target: 'index', month: null, measure: 'mean' }),
			() => CODES,
			() => 'es'
		);
		expect(CODES.map((c) => layer.classOf(c))).toEqual([3, 'no-data', 'suppressed', 'no-data']);
		expect(layer.tooltip('05001')).toEqual(['3,2 (2,9–3,5) · DATOS DE DEMOSTRACIÓN']);
		expect(layer.tooltip('52835')).toEqual(['Menos de 10 respuestas']);
		expect(layer.tooltip('11001')).toEqual(['Fuera del panel']);
		expect(layer.legend.title).toBe('Índice de confianza (todas las instituciones), 2020-09');
		expect(layer.legend.classes.map((c) => c.label)).toHaveLength(6);
		expect(layer.legend.suppressed).toBe('Menos de 10 respuestas');
		expect(layer.legend.notes).toEqual(['DATOS DE DEMOSTRACIÓN']);
	});

	it('shows the shrunk mean when asked for it', () => {
		const trust = trustWith();
		trust.measure = 'shrunk';
		const layer = new TrustMap(
			trust,
			() => ({ target: 'police', month: null, measure: 'shrunk' }),
			() => CODES,
			() => 'en'
		);
		expect(layer.tooltip('05001')).toEqual([
			'3.1 (Mean shrunk towards the department (small panels)) · DEMONSTRATION DATA'
		]);
		expect(layer.legend.title).toBe('National Police, 2020-09');
	});
});

describe('the cluster layer', () => {
	it('classes by cluster, counts each class in the legend and gives the p-value in the tooltip', () => {
		const clusters = new ClusterState(() => ['homicide']);
		clusters.view = 'local-moran';
		clusters.status = 'ready';
		clusters.result = {
			statistic: 'local-moran',
			window: { from: '2024-01', to: '2024-12' },
			measure: 'rate',
			permutations: 999,
			seed: 1,
			fdr: false,
			alpha: 0.05,
			analysed: 3,
			coverage: homicideNotes('2024-01', '2024-12').coverage,
			values: [
				{ code: '05001', value: 40, statistic: 1.2, z: 2.5, p: 0.004, cluster: 'high-high' },
				{ code: '05002', value: 41, statistic: 1.1, z: 2.1, p: 0.01, cluster: 'high-high' },
				{ code: '52835', value: 3, statistic: 0, z: 0, p: 0.4, cluster: 'not-significant' },
				{ code: '11001', value: null, statistic: null, z: null, p: null, cluster: 'no-data' }
			]
		};
		const layer = new ClusterMap(
			clusters,
			() => CODES,
			() => 'es'
		);
		expect(CODES.map((c) => layer.classOf(c))).toEqual([0, 0, 4, 'no-data']);
		expect(layer.colours).toEqual(CLUSTER_CLASSES['local-moran'].map((c) => c.colour));
		expect(layer.tooltip('05001')).toEqual(['Alto rodeado de altos · p = 0,004']);
		expect(layer.tooltip('11001')).toEqual(['Sin datos']);
		expect(layer.legend!.classes[0]!.label).toBe('Alto rodeado de altos (2)');
		expect(layer.legend!.noData).toBe('Sin vecinos con datos (isla) / Sin datos (1)');

		const key = layer.classKey;
		clusters.view = 'getis-ord';
		expect(layer.classKey).not.toBe(key);
		clusters.view = 'index';
		expect(layer.legend).toBeNull();
		expect(layer.tooltip('05001')).toEqual([]);
	});
});

describe('the emerging hot spots layer', () => {
	it('classes by pattern, lists only the patterns that occur, and gives the trend’s p in the tooltip', () => {
		const emerging = new EmergingState();
		emerging.status = 'ready';
		const value = (code: string, category: EmergingHotSpotValue['category']): EmergingHotSpotValue => ({
			code,
			category,
			z: category === 'no-data' ? [] : [2.5, 3.1, 3.4, 3.9],
			p: category === 'no-data' ? [] : [0.01, 0.002, 0.001, 0.0004],
			trend: category === 'no-data' ? null : { tau: 1, z: 2.04, p: 0.0415 }
		});
		emerging.result = {
			window: { from: '2024-01', to: '2024-12' },
			step: 'quarter',
			measure: 'rate',
			significance: 'normal',
			permutations: 999,
			seed: 1,
			alpha: 0.05,
			fdr: true,
			steps: ['01', '04', '07', '10'].map((m) => ({ from: `2024-${m}`, to: `2024-${m}` })),
			skippedSteps: [],
			analysed: 3,
			categories: EHSA_CLASSES.map((c) => c.id),
			coverage: homicideNotes('2024-01', '2024-12').coverage,
			values: [
				value('05001', 'intensifying-hot-spot'),
				value('05002', 'intensifying-hot-spot'),
				value('52835', 'no-pattern'),
				value('11001', 'no-data')
			]
		};
		const layer = new EmergingMap(
			emerging,
			() => CODES,
			() => 'en'
		);
		const intensifying = EHSA_CLASSES.findIndex((c) => c.id === 'intensifying-hot-spot');
		const none = EHSA_CLASSES.findIndex((c) => c.id === 'no-pattern');
		expect(CODES.map((c) => layer.classOf(c))).toEqual([intensifying, intensifying, none, 'no-data']);
		expect(layer.tooltip('05001')).toEqual(['Intensifying hot spot · p = 0.042']);
		expect(layer.legend.classes.map((c) => c.label)).toEqual([
			'Intensifying hot spot (2)',
			'No pattern detected (1)'
		]);
		expect(layer.legend.noData).toBe('No rate in some quarter (1)');
		const key = layer.classKey;
		emerging.result = { ...emerging.result, values: [value('05001', 'new-cold-spot')] };
		expect(layer.classKey).not.toBe(key);
	});
});
