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
import { requirePageRole } from '$lib/server/auth/guard';
import { mapPageData } from '$lib/server/map-page';
import type { MunicipalityDetail } from '$lib/schemas/municipality';
import type { PriorityInputs } from '$lib/schemas/analysis';
import type { PageServerLoad } from './$types';

/**
 * A one-page brief of a municipality under the weights of the priority page (carried in the URL,
 * so the brief can be shared and printed as it was seen): its rank and why, its trend, its
 * dialogues and commitments. Computed here with the same pure functions as the page.
 */
export const load: PageServerLoad = async ({ locals, url, params, fetch }) => {
	requirePageRole(locals, url, 'admin', 'planner');
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

	const query = new URLSearchParams({ category: categories.join(',') });
	if (to && /^\d{4}-\d{2}$/.test(to)) query.set('to', to);
	const [inputsResponse, detailResponse] = await Promise.all([
		fetch(`/api/analysis/priority-inputs?${query}`),
		fetch(`/api/municipalities/${params.code}`)
	]);
	if (detailResponse.status === 404 || detailResponse.status === 400) error(404, 'Municipio no encontrado');
	if (!inputsResponse.ok) error(inputsResponse.status, 'No se pudieron calcular los indicadores');
	const inputs = (await inputsResponse.json()) as PriorityInputs;
	const { municipality: detail } = (await detailResponse.json()) as { municipality: MunicipalityDetail };
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
	const [series, dialogues, commitments] = await Promise.all([
		counted.length
			? fetch(
					`/api/municipalities/${params.code}/timeseries?category=${counted.join(',')}&from=${seriesFrom}&to=${inputs.window.to}`
				).then((r) =>
					r.ok ? (r.json() as Promise<{ series: { month: string; count: number | null }[] }>) : null
				)
			: null,
		fetch(`/api/dialogues?municipality=${params.code}`).then(
			(r) =>
				r.json() as Promise<{
					dialogues: {
						id: number;
						title: string;
						programme: string;
						year: number;
						date: string | null;
						issues: string[];
					}[];
				}>
		),
		fetch(`/api/commitments?municipality=${params.code}`).then(
			(r) =>
				r.json() as Promise<{
					commitments: {
						id: number;
						institution: string;
						action: string;
						dueDate: string | null;
						status: string;
					}[];
				}>
		)
	]);

	return {
		...(await mapPageData(fetch)),
		detail,
		categories,
		weights,
		window: inputs.window,
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
		dialogues: dialogues.dialogues,
		commitments: commitments.commitments
	};
};
