import { createHash } from 'node:crypto';
import { createApi } from '../../src/lib/server/api/app';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { createRowMapper, type ReportDraft } from '../../src/lib/domain/import/rows';
import { importReports } from '../../src/lib/server/import/importer';
import { resolveMapping } from '../../src/lib/server/import/mappings';
import { createResolverFactory } from '../../src/lib/server/import/resolvers';
import { openSourceFile } from '../../src/lib/server/import/source-file';
import { createSession } from '../../src/lib/server/auth/sessions';
import { createUser } from '../../src/lib/server/auth/users';
import { createPasswordHasher } from '../../src/lib/server/auth/password';
import { percentile } from './stats';

/**
 * One measurement in a process of its own, so that its peak memory (maxRSS) is its alone:
 *   import DB FILE MAPPING   the real importer
 *   bare DB FILE MAPPING     the same rows, mapped beforehand (untimed), inserted with one
 *                            prepared statement in one transaction into the same table
 *   stats DB                 latency of the statistics endpoint, in process
 * Prints one JSON line.
 */
const [mode, dbFile, file, mappingId] = process.argv.slice(2);
const config = loadConfig({ ...process.env, RESILIENCIA_DB: dbFile });

async function bare() {
	const db = openDatabase(dbFile!);
	const mapping = resolveMapping(mappingId!);
	const source = await openSourceFile(file!, mapping);
	const resolvers = {
		...(await createResolverFactory(db, config.boundariesSource)(mapping)),
		digest: (v: readonly string[]) =>
			createHash('sha1').update(v.join('\u001f')).digest('base64url').slice(0, 22)
	};
	const map = createRowMapper(mapping, source.header, resolvers);
	const drafts: ReportDraft[] = [];
	for await (const record of source.records) {
		if (!('values' in record)) continue;
		const result = map(record.values, record.row);
		if ('drafts' in result) drafts.push(...result.drafts);
	}
	const batch = db
		.prepare(
			`INSERT INTO import_batches (source, mapping_id, file_name, file_sha256, attribution, rows_read, rows_inserted,
				rows_duplicate, rows_rejected, imported_at) VALUES ('bench', 'bare', 'bare', '', '', 0, 0, 0, 0, '')`
		)
		.run().lastInsertRowid;
	const insert = db.prepare(
		`INSERT INTO reports (batch_id, source, source_ref, category, municipality_code, date, month, date_precision,
			lon, lat, point_precision, point_outside, count, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	const started = performance.now();
	db.transaction(() => {
		drafts.forEach((d, i) =>
			insert.run(
				batch,
				mapping.source,
				`${d.ref}#${i}`,
				d.category,
				d.municipalityCode,
				d.date,
				d.month,
				d.datePrecision,
				d.lon,
				d.lat,
				d.pointPrecision,
				d.pointOutside ? 1 : 0,
				d.count,
				d.attributes
			)
		);
	})();
	const ms = performance.now() - started;
	db.close();
	return { rows: drafts.length, ms };
}

async function runImport() {
	const db = openDatabase(dbFile!);
	const result = await importReports(
		{ db, resolvers: createResolverFactory(db, config.boundariesSource) },
		{ file: file!, mapping: resolveMapping(mappingId!), skipInvalid: true }
	);
	db.close();
	return { rows: result.rowsRead, reports: result.reportsInserted, ms: result.durationMs };
}

async function statsLatency() {
	const db = openDatabase(dbFile!);
	const reports = (db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n;
	const api = createApi({ db, config, testOnlyScrypt: { logN: 10, r: 8, p: 1 } });
	const hasher = createPasswordHasher({ logN: 10, r: 8, p: 1 });
	const user = await createUser(
		db,
		hasher,
		{
			email: `bench-${Date.now()}@example.org`,
			role: 'planner',
			password: 'a bench password of some length',
			jurisdiction: { departments: [], municipalities: [] }
		},
		{ actor: null, ip: null }
	);
	const { token } = createSession(db, user.id, { ip: null, userAgent: null });
	const cookie = `resiliencia_session=${token}`;
	const first = performance.now();
	await api.request('/api/stats/extent', { headers: { cookie } });
	const indexMs = performance.now() - first;
	const all = 'homicide,sexual-violence,domestic-violence,landmines,threats-to-leaders,forced-displacement';
	const cases = {
		'one category, full period': '/api/stats/municipalities?category=homicide',
		'all person categories, full period': `/api/stats/municipalities?category=${all}`,
		'all person categories, smoothed rate, 2019': `/api/stats/municipalities?category=${all}&from=2019-01&to=2019-12&measure=smoothed_rate`,
		'one municipality, monthly series': `/api/municipalities/05001/timeseries?category=${all}`
	};
	const out: Record<string, { p50: number; p95: number }> = {};
	for (const [name, url] of Object.entries(cases)) {
		const times: number[] = [];
		for (let i = 0; i < 220; i++) {
			const t = performance.now();
			const res = await api.request(url, { headers: { cookie } });
			await res.arrayBuffer();
			if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
			if (i >= 20) times.push(performance.now() - t);
		}
		out[name] = { p50: percentile(times, 50), p95: percentile(times, 95) };
	}
	db.close();
	return { reports, indexMs, cases: out };
}

const run = mode === 'bare' ? bare : mode === 'import' ? runImport : statsLatency;
run().then(
	(result) => {
		console.log(JSON.stringify({ ...result, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
	},
	(error: unknown) => {
		console.error(error instanceof Error ? error.stack : error);
		process.exit(1);
	}
);
