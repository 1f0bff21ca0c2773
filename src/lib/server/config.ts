import path from 'node:path';
import { z } from 'zod';

/**
 * An origin as the browser sends it in `Origin`: http or https, a host, an optional port, nothing
 * else (no path, query or credentials). Normalised (`HTTPS://Example.org:443/` → `https://example.org`).
 */
function parseOrigin(value: string): string | { error: string } {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return { error: `${value.trim()} is not a URL; write it as https://host or http://host:port` };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		return { error: `${value} is not http or https` };
	if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
		return { error: `${value} must be an origin only (scheme, host and port), e.g. ${url.origin}` };
	}
	return url.origin;
}

const Origin = z.string().transform((value, ctx) => {
	const parsed = parseOrigin(value);
	if (typeof parsed === 'string') return parsed;
	ctx.addIssue({ code: 'custom', message: parsed.error });
	return z.NEVER;
});

const OriginList = z.string().transform((value, ctx) => {
	const origins: string[] = [];
	for (const item of value.split(',').filter((part) => part.trim() !== '')) {
		const parsed = parseOrigin(item);
		if (typeof parsed === 'string') origins.push(parsed);
		else ctx.addIssue({ code: 'custom', message: parsed.error });
	}
	return origins;
});

/**
 * Every setting comes from the environment and crosses this one schema (STYLE.md, convention 2).
 * Paths are resolved against the working directory, which is the repository root for every
 * npm script and for the built server started by `npm start`.
 */
const EnvSchema = z.object({
	PORT: z.coerce.number().int().min(1).max(65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	/** Folder holding the read-only reference data (`geo/`, `data/real/`). Never copied into the repo. */
	RESILIENCIA_SHARED_DIR: z.string().min(1).default('../shared'),
	/** DANE MGN boundaries, TopoJSON or GeoJSON. Defaults to the MGN 2018 file in the shared folder. */
	RESILIENCIA_BOUNDARIES: z.string().min(1).optional(),
	/** SQLite database file. */
	RESILIENCIA_DB: z.string().min(1).default('.data/resiliencia.db'),
	/** Untracked folder for build outputs derived from reference data (web boundaries). */
	RESILIENCIA_BUILD_DIR: z.string().min(1).default('.build'),
	/**
	 * Opt-in online basemap: a MapLibre style URL. Empty by default so that the app works offline
	 * and never sends a request outside its own origin.
	 */
	RESILIENCIA_BASEMAP_STYLE_URL: z.url().optional(),
	/** Largest file accepted by the import upload, in MB (the command line has no limit). */
	RESILIENCIA_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(4096).default(512),
	/**
	 * Largest content an import reads, in MB, counted while it streams (a gzip is counted inflated):
	 * a 6 MB gzip can inflate to gigabytes. The command line may raise it (--max-inflated-mb).
	 */
	RESILIENCIA_IMPORT_MAX_INFLATED_MB: z.coerce.number().int().min(1).max(1_048_576).default(2048),
	/** Most rows an import reads (the Police files have about 1.2 million together). */
	RESILIENCIA_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).default(20_000_000),
	/**
	 * A gzip inflating more than this many times its size is refused early, once 64 MiB have come
	 * out (the real files inflate 9 to 20 times; a bomb of repeated rows hundreds of times). 0: off.
	 */
	RESILIENCIA_IMPORT_MAX_GZIP_RATIO: z.coerce.number().int().min(0).default(100),
	/** Load the real datasets of ../shared/data/real on start when they are there (0 to skip). */
	RESILIENCIA_LOAD_DEFAULT_DATA: z.enum(['0', '1']).default('1'),
	/** The app's public URL (adapter-node's variable). Unset: the URL `npm start` prints. */
	ORIGIN: Origin.optional(),
	/** Further origins the app is reached at, comma-separated (other names, a LAN address behind TLS…). */
	RESILIENCIA_TRUSTED_ORIGINS: OriginList.optional()
});

/** What an import reads at most, however small the file it came in (src/lib/server/import/source-file.ts). */
export type ImportLimits = {
	/** Bytes of content, inflated for a gzip. */
	maxInflatedBytes: number;
	maxRows: number;
	/** Inflated bytes per gzipped byte; 0: unchecked. */
	maxGzipRatio: number;
};

export type AppConfig = {
	port: number;
	host: string;
	sharedDir: string;
	boundariesSource: string;
	databaseFile: string;
	buildDir: string;
	boundariesDir: string;
	basemapStyleUrl: string | null;
	/** The real datasets (../shared/data/real). */
	realDataDir: string;
	uploadMaxBytes: number;
	importLimits: ImportLimits;
	loadDefaultData: boolean;
	/** Where rejected rows of the default import are written. */
	rejectsDir: string;
	/** The app's public origin: ORIGIN, or the URL `npm start` prints (from HOST and PORT). */
	origin: string;
	/**
	 * Every origin sign-in and forms are accepted at, `origin` first: then
	 * RESILIENCIA_TRUSTED_ORIGINS, then, when ORIGIN is unset, the loopback names of the port
	 * (localhost, 127.0.0.1, [::1]) if the server listens there. No two share a host.
	 */
	acceptedOrigins: readonly string[];
};

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
	const parsed = EnvSchema.safeParse(
		Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
	);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
		throw new Error(`Invalid configuration in the environment:\n  ${problems.join('\n  ')}`);
	}
	const e = parsed.data;
	const origins = originsFor(e.HOST, e.PORT, e.ORIGIN ?? null, e.RESILIENCIA_TRUSTED_ORIGINS ?? []);
	const sharedDir = path.resolve(e.RESILIENCIA_SHARED_DIR);
	const buildDir = path.resolve(e.RESILIENCIA_BUILD_DIR);
	return {
		port: e.PORT,
		host: e.HOST,
		sharedDir,
		boundariesSource: path.resolve(
			e.RESILIENCIA_BOUNDARIES ?? path.join(sharedDir, 'geo', 'colombia-mgn2018.topo.json')
		),
		databaseFile: e.RESILIENCIA_DB === ':memory:' ? ':memory:' : path.resolve(e.RESILIENCIA_DB),
		buildDir,
		boundariesDir: path.join(buildDir, 'boundaries'),
		basemapStyleUrl: e.RESILIENCIA_BASEMAP_STYLE_URL ?? null,
		realDataDir: path.join(sharedDir, 'data', 'real'),
		uploadMaxBytes: e.RESILIENCIA_UPLOAD_MAX_MB * 1024 * 1024,
		importLimits: {
			maxInflatedBytes: e.RESILIENCIA_IMPORT_MAX_INFLATED_MB * 1024 * 1024,
			maxRows: e.RESILIENCIA_IMPORT_MAX_ROWS,
			maxGzipRatio: e.RESILIENCIA_IMPORT_MAX_GZIP_RATIO
		},
		loadDefaultData: e.RESILIENCIA_LOAD_DEFAULT_DATA === '1',
		rejectsDir: path.join(buildDir, 'import-rejects'),
		origin: origins[0]!,
		acceptedOrigins: origins
	};
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * The accepted origins (see AppConfig). Without ORIGIN the app is answered as plain http on the
 * port it listens on, which sign-in allows on loopback only (cookie.ts); the loopback names are
 * all accepted because a browser on this machine may use any of them. With ORIGIN nothing is
 * added: behind a proxy that rewrites Host to 127.0.0.1, that address must not win over ORIGIN.
 */
function originsFor(host: string, port: number, origin: string | null, trusted: string[]): string[] {
	const listened = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
	const local = (name: string) => `http://${name}:${port}`;
	const listensOnLoopback = WILDCARD_HOSTS.has(host) || LOOPBACK_HOSTS.has(host);
	const primary = origin ?? local(WILDCARD_HOSTS.has(host) ? 'localhost' : listened.toLowerCase());
	const aliases = origin || !listensOnLoopback ? [] : ['localhost', '127.0.0.1', '[::1]'].map(local);
	const accepted = [...new Set([primary, ...trusted, ...aliases])];
	const byHost = new Map<string, string>();
	for (const candidate of accepted) {
		const other = byHost.get(new URL(candidate).host);
		if (other) {
			// The server tells origins apart by the Host a request names (csrf.ts): two schemes for
			// one host would leave it guessing whether the request came over TLS.
			throw new Error(
				`Invalid configuration in the environment:\n  RESILIENCIA_TRUSTED_ORIGINS: ${other} and ${candidate} share a host; keep one`
			);
		}
		byHost.set(new URL(candidate).host, candidate);
	}
	return accepted;
}
