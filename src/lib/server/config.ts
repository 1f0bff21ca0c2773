import path from 'node:path';
import { z } from 'zod';

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
	/** Load the real datasets of ../shared/data/real on start when they are there (0 to skip). */
	RESILIENCIA_LOAD_DEFAULT_DATA: z.enum(['0', '1']).default('1')
});

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
	loadDefaultData: boolean;
	/** Where rejected rows of the default import are written. */
	rejectsDir: string;
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
		loadDefaultData: e.RESILIENCIA_LOAD_DEFAULT_DATA === '1',
		rejectsDir: path.join(buildDir, 'import-rejects')
	};
}
