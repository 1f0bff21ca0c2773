import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { displayName } from '../src/lib/domain/names';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { BoundarySourceError } from './errors';
import { loadBoundaries } from './load';
import { queenNeighbours } from './neighbours';
import { DEFAULT_SIMPLIFY, serialiseWebBoundaries, simplifyTopology, type SimplifyOptions } from './simplify';
import { readBoundarySource, type BoundarySource } from './source';

export type BuildOptions = {
	source: string;
	db: Database.Database;
	outDir: string;
	force?: boolean;
	simplify?: SimplifyOptions;
	log?: (line: string) => void;
};

export type BuildReport = {
	skipped: boolean;
	municipalities: number;
	departments: number;
	population: number;
	islands: string[];
	layers: { layer: string; arcs: number; points: number; rawBytes: number; gzipBytes: number }[];
	milliseconds: number;
};

const OUTPUT_FILES = ['municipalities.topo.json', 'departments.topo.json'];

function meta(db: Database.Database, key: string): string | undefined {
	return (
		db.prepare('SELECT value FROM dataset_meta WHERE key = ?').get(key) as { value: string } | undefined
	)?.value;
}

/**
 * Reads and validates the MGN source, loads municipalities, departments and neighbours into
 * SQLite, and writes the simplified web boundaries. Skipped when the outputs exist and the source
 * is byte-for-byte the one already loaded.
 */
export async function buildBoundaries(options: BuildOptions): Promise<BuildReport> {
	const started = performance.now();
	const log = options.log ?? ((line: string) => console.log(line));
	const source = readBoundarySource(options.source);
	const outputsExist = OUTPUT_FILES.every((f) => fs.existsSync(path.join(options.outDir, f)));
	const loadedCount = (options.db.prepare('SELECT count(*) AS n FROM municipalities').get() as { n: number })
		.n;
	if (
		!options.force &&
		outputsExist &&
		loadedCount > 0 &&
		meta(options.db, 'boundaries.sha256') === source.sha256
	) {
		return summary(source, null, true, started);
	}

	const neighbours = queenNeighbours(
		source.topology,
		source.topology.objects.municipalities,
		(i) => source.municipalities[i]!.code
	);
	const web = serialiseWebBoundaries(
		simplifyTopology(webTopology(source), options.simplify ?? DEFAULT_SIMPLIFY)
	);
	loadBoundaries(options.db, {
		departments: source.departments,
		municipalities: source.municipalities,
		neighbours,
		meta: {
			'boundaries.source': path.basename(source.file),
			'boundaries.sha256': source.sha256,
			'boundaries.built_at': new Date().toISOString(),
			'data.version': `mgn-${source.sha256.slice(0, 12)}`
		}
	});
	fs.mkdirSync(options.outDir, { recursive: true });
	// Write then rename, so the server never reads a half-written file.
	for (const [file, text] of [
		['municipalities.topo.json', web.municipalities],
		['departments.topo.json', web.departments]
	] as const) {
		const target = path.join(options.outDir, file);
		fs.writeFileSync(`${target}.tmp`, text);
		fs.renameSync(`${target}.tmp`, target);
	}
	const report = summary(source, web.stats, false, started, neighbours);
	log(
		`Boundaries: ${report.municipalities} municipalities, ${report.departments} departments, population ${report.population.toLocaleString('en')}; ` +
			`islands ${report.islands.join(', ') || 'none'}; ` +
			report.layers
				.map(
					(l) =>
						`${l.layer} ${(l.rawBytes / 1024).toFixed(0)} KB raw / ${(l.gzipBytes / 1024).toFixed(0)} KB gzip`
				)
				.join(', ') +
			`; ${report.milliseconds} ms`
	);
	return report;
}

/** The source topology with only what the browser needs on each geometry. */
function webTopology(source: BoundarySource): Topology {
	const municipalities = source.topology.objects.municipalities;
	const departments = source.topology.objects.departments;
	const byCode = new Map(source.departments.map((d) => [d.code, d]));
	const strip = (
		collection: GeometryCollection,
		props: (i: number) => Record<string, string>
	): GeometryCollection => ({
		type: 'GeometryCollection',
		geometries: collection.geometries.map((g, i) => {
			const properties = props(i);
			return { ...g, id: properties.code, properties };
		})
	});
	return {
		...source.topology,
		objects: {
			municipalities: strip(municipalities, (i) => {
				const m = source.municipalities[i]!;
				return { code: m.code, name: displayName(m.officialName), department: m.departmentCode };
			}),
			departments: strip(departments, (i) => {
				const code = String((departments.geometries[i]!.properties as { DPTO_CCDGO: string }).DPTO_CCDGO);
				return { code, name: displayName(byCode.get(code)?.officialName ?? code) };
			})
		}
	};
}

function summary(
	source: BoundarySource,
	layers: BuildReport['layers'] | null,
	skipped: boolean,
	started: number,
	neighbours?: Map<string, unknown[]>
): BuildReport {
	return {
		skipped,
		municipalities: source.municipalities.length,
		departments: source.departments.length,
		population: source.municipalities.reduce((sum, m) => sum + m.population, 0),
		islands: neighbours ? [...neighbours].filter(([, list]) => list.length === 0).map(([code]) => code) : [],
		layers: layers ?? [],
		milliseconds: Math.round(performance.now() - started)
	};
}

async function main(): Promise<void> {
	const config = loadConfig();
	const db = openDatabase(config.databaseFile);
	try {
		const report = await buildBoundaries({
			source: config.boundariesSource,
			db,
			outDir: config.boundariesDir,
			force: process.argv.includes('--force')
		});
		if (report.skipped) console.log('Boundaries are up to date (same source); use --force to rebuild.');
	} finally {
		db.close();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main().catch((error: unknown) => {
		console.error(error instanceof BoundarySourceError ? error.message : error);
		process.exit(1);
	});
}
