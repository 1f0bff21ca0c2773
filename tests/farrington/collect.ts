/**
 * Turns export-inputs.ts's series and reference.R's output (tests/.output/farrington/) into
 * farrington.expected.json, which src/lib/domain/early-warning/farrington.spec.ts reads: the few
 * monthly series (aggregated public counts of six municipalities, and two synthetic ones) and R's
 * results for their last 36 months under each configuration.
 *
 *   npx tsx tests/farrington/collect.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

const HERE = import.meta.dirname;
const OUT = path.resolve(HERE, '..', '.output', 'farrington');
const read = (name: string) =>
	parse(fs.readFileSync(path.join(OUT, name), 'utf8'), { columns: true }) as Record<string, string>[];
const num = (text: string) => (text === 'NA' ? null : Number(text));

// reference.R's copy of the inputs, with its two synthetic series appended.
const inputs = read('series.csv');
const series = [...new Set(inputs.map((row) => row.series!))].map((id) => {
	const rows = inputs.filter((row) => row.series === id);
	return {
		id,
		category: rows[0]!.category!,
		code: rows[0]!.code!,
		name: rows[0]!.name!,
		first: rows[0]!.month!,
		counts: rows.map((row) => Number(row.count))
	};
});
const results = read('reference.csv').map((row) => ({
	series: row.series!,
	config: row.config!,
	k: Number(row.k),
	observed: Number(row.observed),
	alarm: row.alarm === '1',
	masked: row.masked === '1',
	upperbound: num(row.upperbound!),
	expected: num(row.expected!),
	phi: num(row.phi!),
	trend: row.trend === '1',
	trendCoefficient: num(row.trendCoefficient!),
	pvalue: num(row.pvalue!)
}));
const [r, surveillance] = fs.readFileSync(path.join(OUT, 'versions.txt'), 'utf8').trim().split('\n');

const expected = {
	about:
		'R surveillance farringtonFlexible on monthly counts (report_rollup, 2010-01 – 2024-12) for the last 36 months of each series; regenerate with tests/farrington/README.md',
	versions: { r, surveillance },
	configs: {
		default: {},
		windowsOnly: { noPeriods: 1 },
		noReweight: { reweight: false },
		nbPlugin: { thresholdMethod: 'nbPlugin' }
	},
	series,
	results
};
fs.writeFileSync(path.join(HERE, 'farrington.expected.json'), JSON.stringify(expected, null, '\t') + '\n');
console.log(`${series.length} series, ${results.length} results written to farrington.expected.json`);
