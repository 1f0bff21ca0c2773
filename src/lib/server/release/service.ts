import Database from 'better-sqlite3';
import { DISCLOSURE, type DisclosureConfig } from '../../config/disclosure';
import type { StatsParams, SummaryQuery, TimeseriesQuery } from '../../schemas/reports';
import type { SurveyEstimatesQuery } from '../../schemas/surveys';
import type { DB } from '../db/connection';
import { statement } from '../db/statements';
import { buildRelease, sourcesOf, type Built } from './build';
import { publicCommunityFigures } from './community';
import { dictionary } from './dictionary';
import { manifestOf, tableChunks } from './export';
import { markSlice } from './prepared';
import { releaseSalt } from './record-keys';
import {
	publicAreaFigures,
	publicExtent,
	publicPrevention,
	publicPreventionIndex,
	publicSummary,
	publicSurveyEstimates,
	publicSurveySeries,
	publicTimeseries
} from './slices';
import { loadRelease, saveRelease, storedReleaseHead } from './store';
import type { Release, ReleaseTableId } from './types';

/**
 * The current public release, kept in memory and in the database, and the public answers cut
 * from it (docs/disclosure.md). Every public answer of the API and of the public pages comes from
 * here; nothing here reads the statistics index.
 *
 * A release is current while the data it was built from is unchanged (`sourcesOf`: the reports
 * version that imports and deletions bump, and the facts version that triggers bump on every
 * write to dialogues, booklets, commitments, the survey panel, populations and places). When the
 * data change, the next public answer starts a build and is served from the previous release
 * until the new one is swapped in whole; a failed build is logged and the previous release kept.
 *
 * The build runs on its own read connection inside one read transaction (one consistent
 * snapshot), as a generator driven in slices of SLICE_MS between which the server answers other
 * requests. A small database (under INLINE_REPORTS reports) is built at once, in the call that
 * noticed the change: that costs less than a few milliseconds and keeps a single process (tests,
 * a fresh installation) consistent from one request to the next.
 */

const SLICE_MS = 40;
const INLINE_REPORTS = 100_000;
/** Answers kept per release; beyond, the oldest is dropped first. */
const CACHED_ANSWERS = 1024;

/** After a failed build, the same data are tried again only after this long. */
const RETRY_MS = 60_000;

type Job = {
	steps: Generator<void, Built, void>;
	/** The snapshot is the server's own connection (an in-memory database): no pauses then. */
	shared: boolean;
	finished: boolean;
	close: () => void;
	done: Promise<Release>;
	resolve: (release: Release) => void;
	reject: (error: unknown) => void;
};

export type ReleaseServiceOptions = {
	db: DB;
	config?: DisclosureConfig;
	/** Fixtures only: a salt derived from a seed, so that a fixture is reproducible. */
	salt?: Buffer;
	/** Fixtures and tests only: the date overdue commitments are derived against. */
	today?: string;
	log?: (message: string, error?: unknown) => void;
};

export function createReleaseService({
	db,
	config = DISCLOSURE,
	salt,
	today,
	log = defaultLog
}: ReleaseServiceOptions) {
	let current: Release | null = null;
	let job: Job | null = null;
	let failed: { sources: string; at: number } | null = null;
	let answers = new Map<string, object>();

	function swap(release: Release): void {
		current = release;
		answers = new Map();
	}

	/** A read connection of its own for the snapshot; an in-memory database has only one. */
	function snapshotConnection(): { read: DB; shared: boolean; close: () => void } {
		if (db.memory || db.name === ':memory:' || db.name === '')
			return { read: db, shared: true, close: () => undefined };
		const read = new Database(db.name, { readonly: true, fileMustExist: true });
		read.pragma('busy_timeout = 5000');
		read.exec('BEGIN');
		return {
			read,
			shared: false,
			close: () => {
				if (read.inTransaction) read.exec('COMMIT');
				read.close();
			}
		};
	}

	function start(): Job {
		const key = releaseSalt(db, salt);
		const { read, shared, close } = snapshotConnection();
		let resolve!: (release: Release) => void;
		let reject!: (error: unknown) => void;
		const done = new Promise<Release>((res, rej) => {
			resolve = res;
			reject = rej;
		});
		// A rejection nobody waits for is still logged by `fail`, not reported as unhandled.
		done.catch(() => undefined);
		const steps = buildRelease(read, { salt: key, config, today });
		return { steps, shared, finished: false, close, done, resolve, reject };
	}

	/** Runs a job's steps until it ends, or until `budgetMs` has passed (then continues later). */
	function advance(j: Job, budgetMs: number): void {
		if (j.finished) return;
		const started = performance.now();
		try {
			for (;;) {
				const step = j.steps.next();
				if (step.done) {
					finish(j, step.value);
					return;
				}
				if (!j.shared && performance.now() - started > budgetMs) {
					setImmediate(() => advance(j, SLICE_MS));
					return;
				}
			}
		} catch (error) {
			fail(j, error);
		}
	}

	function finish(j: Job, built: Built): void {
		j.finished = true;
		j.close();
		job = null;
		let release: Release;
		try {
			release = saveRelease(db, built);
		} catch (error) {
			fail(j, error);
			return;
		}
		swap(release);
		failed = null;
		j.resolve(release);
	}

	function fail(j: Job, error: unknown): void {
		j.finished = true;
		try {
			j.close();
		} catch {
			// the connection may already be gone with the database
		}
		job = null;
		failed = { sources: sourcesOf(db), at: Date.now() };
		log(`[release] build failed; still serving release ${current?.version ?? 'none'}`, error);
		j.reject(error);
	}

	function reportCount(): number {
		return (
			statement(db, 'SELECT coalesce(sum(rows_inserted), 0) AS n FROM import_batches').get() as { n: number }
		).n;
	}

	/** Starts a build unless one runs; small databases are built at once. */
	function ensureBuilding(): Job {
		if (job) return job;
		const j = start();
		job = j;
		advance(j, reportCount() < INLINE_REPORTS ? Number.POSITIVE_INFINITY : SLICE_MS);
		return j;
	}

	/** The release to answer from now. Builds synchronously only when there is none at all. */
	function release(): Release {
		const sources = sourcesOf(db);
		if (current?.sources === sources) return current;
		// Another process (the command line, a bench) may have built it already.
		const head = storedReleaseHead(db);
		if (head && (!current || head.version > current.version) && (head.sources === sources || !current)) {
			const stored = loadRelease(db);
			if (stored) swap(stored);
			if (current?.sources === sources) return current;
		}
		if (failed?.sources !== sources || Date.now() - failed.at > RETRY_MS) {
			const j = ensureBuilding();
			if (!current && job === j) advance(j, Number.POSITIVE_INFINITY);
		}
		if (!current) throw new Error('No public release could be built; see the log');
		return current;
	}

	/** One public answer per release and key, marked so that the API sends its prepared bytes. */
	function slice<T extends object>(key: string, compute: (r: Release) => T): T {
		const r = release();
		const cached = answers.get(key) as T | undefined;
		if (cached) return cached;
		const answer = markSlice(compute(r), r.version);
		if (answers.size >= CACHED_ANSWERS) answers.delete(answers.keys().next().value!);
		answers.set(key, answer);
		return answer;
	}

	return {
		/** The release answers are cut from (for the CLI, tests and the manifest). */
		current: release,

		/**
		 * Resolves with a release built from the data as they are now: at once when the current one
		 * is, else when the build in progress (started if needed) is swapped in.
		 */
		async refresh(): Promise<Release> {
			const r = release();
			if (r.sources === sourcesOf(db)) return r;
			failed = null;
			return ensureBuilding().done;
		},

		manifest() {
			return slice('manifest', (r) => manifestOf(r, config));
		},

		dictionary() {
			return slice('dictionary', (r) => ({ ...dictionary(config), release: r.version }));
		},

		/** A table of the export as CSV chunks, with the release it comes from. */
		table(id: ReleaseTableId) {
			const r = release();
			return { release: r.version, chunks: tableChunks(r, id) };
		},

		areaFigures(level: 'municipality' | 'department', params: StatsParams) {
			return slice(`stats|${level}|${JSON.stringify(params)}`, (r) =>
				publicAreaFigures(r, level, params, config)
			);
		},

		timeseries(code: string, query: TimeseriesQuery) {
			return slice(`timeseries|${code}|${JSON.stringify(query)}`, (r) =>
				publicTimeseries(r, code, query, config)
			);
		},

		summary(code: string, query: SummaryQuery) {
			return slice(`summary|${code}|${JSON.stringify(query)}`, (r) => publicSummary(r, code, query, config));
		},

		prevention(code: string) {
			return slice(`prevention|${code}`, (r) => publicPrevention(r, code));
		},

		/** Every municipality with prevention facts, for the public prevention map (/publico). */
		preventionIndex() {
			return slice('prevention-index', (r) => publicPreventionIndex(r, config));
		},

		/** Months with data per category, as released (GET /api/stats/extent for the public). */
		extent() {
			return slice('extent', (r) => publicExtent(r));
		},

		surveyEstimates(query: SurveyEstimatesQuery) {
			return slice(`surveys|${JSON.stringify(query)}`, (r) => publicSurveyEstimates(r, query));
		},

		/** Verified community reports as released: per department and quarter or year (issue 18). */
		communityFigures(category: string | undefined) {
			return slice(`community|${category ?? ''}`, (r) => publicCommunityFigures(r, category, config));
		},

		surveySeries(code: string) {
			return slice(`survey-series|${code}`, (r) => publicSurveySeries(r, code));
		}
	};
}

export type ReleaseService = ReturnType<typeof createReleaseService>;

function defaultLog(message: string, error?: unknown): void {
	console.error(message, error);
}
