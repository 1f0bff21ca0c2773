/**
 * Turns reference.R's CSV output (tests/.output/spdep/) into the expectations the tests read:
 * - lattice.expected.json: the synthetic lattice in full (inputs and every statistic), and R's
 *   Benjamini-Hochberg adjustment of a fixed vector;
 * - homicide-2019.expected.json: for the real homicide rates, a sample of municipalities (the
 *   strongest clusters, the islands and a few named ones) and sums over all of them. Only these
 *   figures are kept in the repository: the full table is derived from ../shared data.
 *
 *   npx tsx tests/spdep/collect.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

const HERE = import.meta.dirname;
const OUT = path.resolve(HERE, '..', '.output', 'spdep');
const read = (name: string) =>
	parse(fs.readFileSync(path.join(OUT, name), 'utf8'), { columns: true }) as Record<string, string>[];
const num = (text: string) => (text === 'NaN' ? null : Number(text));

type Row = { Ii: number; E: number; Var: number; Z: number | null; quadrant: string; G: number; ZG: number };
const statistics = (r: Record<string, string>): Row => ({
	Ii: num(r.Ii!)!,
	E: num(r.E!)!,
	Var: num(r.Var!)!,
	Z: num(r.Z!),
	quadrant: r.quadrant!,
	G: num(r.G!)!,
	ZG: num(r.ZG!)!
});

const lattice = read('lattice.csv');
const bh = read('bh.csv');
fs.writeFileSync(
	path.join(HERE, 'lattice.expected.json'),
	JSON.stringify(
		{
			source: 'tests/spdep/reference.R, R spdep 1.2-7',
			x: lattice.map((r) => Number(r.x)),
			neighbours: lattice.map((r) => (r.neighbours ? r.neighbours.split(' ').map(Number) : [])),
			expected: lattice.map(statistics),
			bh: { p: bh.map((r) => num(r.p!)), adjusted: bh.map((r) => num(r.bh!)) }
		},
		null,
		1
	) + '\n'
);

const homicide = read('homicide-2019.csv').map((r) => ({ code: r.code!, ...statistics(r) }));
const strongest = (key: (r: (typeof homicide)[number]) => number) =>
	[...homicide].sort((a, b) => key(b) - key(a)).slice(0, 8);
const sample = new Map<string, (typeof homicide)[number]>();
for (const r of [
	...strongest((r) => r.Ii),
	...strongest((r) => -r.Ii),
	...strongest((r) => Math.abs(r.ZG)),
	...homicide.filter((r) => r.Z === null),
	...homicide.filter((r) => ['05001', '11001', '52001', '73319', '19001', '54001'].includes(r.code))
])
	sample.set(r.code, r);
const sum = (key: (r: (typeof homicide)[number]) => number | null) =>
	homicide.reduce((total, r) => total + (key(r) ?? 0), 0);
fs.writeFileSync(
	path.join(HERE, 'homicide-2019.expected.json'),
	JSON.stringify(
		{
			source: 'tests/spdep/reference.R, R spdep 1.2-7, homicide rates per 100,000 in 2019 (queen, W)',
			analysed: homicide.length,
			sums: {
				Ii: sum((r) => r.Ii),
				absIi: sum((r) => Math.abs(r.Ii)),
				Z: sum((r) => r.Z),
				G: sum((r) => r.G),
				ZG: sum((r) => r.ZG),
				absZG: sum((r) => Math.abs(r.ZG))
			},
			quadrants: Object.fromEntries(
				[...new Set(homicide.map((r) => r.quadrant))]
					.sort()
					.map((q) => [q, homicide.filter((r) => r.quadrant === q).length])
			),
			sample: [...sample.values()].sort((a, b) => a.code.localeCompare(b.code))
		},
		null,
		1
	) + '\n'
);
console.log(
	`lattice: ${lattice.length} areas; homicide 2019: ${homicide.length} areas, ${sample.size} sampled`
);
