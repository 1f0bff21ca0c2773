import { error } from '@sveltejs/kit';
import { categoryById, isCategoryId, type CategoryId } from '$lib/domain/categories';
import { monthIndex, monthLabel } from '$lib/domain/monthly-cube';
import {
	breakdown,
	normaliseIndicators,
	priorityScores,
	rankIntervals,
	underReportingFlags
} from '$lib/domain/priority-index';
import { serverContext } from '$lib/server/context';
import { mapPageData } from '$lib/server/map-page';
import { optionalCall, pageCall } from '$lib/server/page-errors';
import { MunicipalityCode } from '$lib/schemas/municipality';
import { PriorityInputsQuery } from '$lib/schemas/analysis';
import { TimeseriesQuery } from '$lib/schemas/reports';
import type { PageServerLoad } from './$types';

/**
 * A one-page brief of a municipality under the weights of the priority page (carried in the URL,
 * so the brief can be shared and printed as it was seen): its rank and why, its trend, its
 * dialogues and commitments. Computed here with the same pure functions as the page.
 */
export const load: PageServerLoad = async ({ locals, url, params, parent }) => {
	// The group's layout checks the role (planners and admins) before anything is read.
	await parent();
	const categories = (url.searchParams.get('category') ?? 'homicide')
		.split(',')
		.filter((c): c is CategoryId => isCategoryId(c));
	if (categories.length === 0) error(400, 'category');
	const weights: Record<string, number> = {};
	for (const part of (url.searchParams.get('weights') ?? '').split(',').filter(Boolean)) {
		const at = part.lastIndexOf(':');
		const weight = Number(part.slice(at + 1));
		if (at > 0 && weight >= 0 && weight <= 10) weights[part.slice(0, at)] = weight;
	}
	if (Object.keys(weights).length === 0) for (const c of categories) weights[`rate:${c}`] = 1;
	const to = url.searchParams.get('to');

	const { analysis, geography, reports } = serverContext().services;
	const code = MunicipalityCode.safeParse(params.code);
	if (!code.success) error(404, 'Municipio no encontrado');
	const detail = pageCall(() => geography.municipality(code.data), { not_found: 'Municipio no encontrado' });
	const inputsQuery = PriorityInputsQuery.safeParse({
		category: categories.join(','),
		to: to && /^\d{4}-\d{2}$/.test(to) ? to : undefined
	});
	const cannotCompute = 'No se pudieron calcular los indicadores';
	if (!inputsQuery.success) error(400, cannotCompute);
	const inputs = pageCall(() => analysis.priorityInputs(locals.viewer, inputsQuery.data), cannotCompute);
	const index = inputs.codes.indexOf(params.code);

	const data = normaliseIndicators(inputs.indicators, inputs.codes.length);
	const scores = priorityScores(data, weights);
	const intervals = rankIntervals(data, weights);
	const flags = underReportingFlags(
		inputs.lens.reportRate,
		inputs.lens.trustPolice,
		inputs.lens.trustProsecutors
	);

	// Two windows of monthly counts: the one ranked and the 12 months before it (the trend).
	const counted = categories.filter((c) => categoryById(c).unit !== 'hectares');
	const seriesFrom = monthLabel(monthIndex(inputs.window.from) - 12);
	const seriesQuery = TimeseriesQuery.safeParse({
		category: counted.join(','),
		from: seriesFrom,
		to: inputs.window.to
	});
	const series = seriesQuery.success
		? optionalCall(() => reports.timeseries(locals.viewer, code.data, seriesQuery.data))
		: null;
	// The brief is for admins and planners; the services scope what the viewer may see.
	const dialogues = serverContext().services.dialogues.list(locals.viewer, { municipality: code.data });
	const commitments = serverContext().services.dialogues.commitments(locals.viewer, {
		municipality: code.data
	});

	return {
		...mapPageData(),
		detail,
		categories,
		weights,
		window: inputs.window,
		windowCoverage: inputs.coverage,
		trendWindows: inputs.trendWindows,
		surveyWave: inputs.surveyWave,
		surveyDemo: inputs.surveyDemo,
		rank: scores.rank[index] ?? 0,
		ranked: Array.from(scores.rank).filter((r) => r > 0).length,
		score: Number.isNaN(scores.score[index]!) ? null : scores.score[index]!,
		coverage: scores.coverage[index] ?? 0,
		interval: { best: intervals.best[index] ?? 0, worst: intervals.worst[index] ?? 0 },
		underReporting: flags[index] ?? false,
		parts: breakdown(data, weights, index).filter((p) => (weights[p.id] ?? 0) > 0),
		series: series?.series ?? [],
		seriesNote: series?.coverage?.note ?? null,
		dialogues,
		commitments
	};
};
