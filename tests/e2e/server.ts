import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The built app served the way `npm start` serves it, on a throwaway database: shared by the
 * end-to-end tests (global-setup.ts) and the benchmarks (scripts/bench). Nothing here imports vitest.
 */

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/**
 * The environment of a real production process. Vitest marks its own process (VITEST, TEST,
 * NODE_ENV=test), and SvelteKit's build and runtime change behaviour on those marks.
 */
function productionEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra, NODE_ENV: 'production' };
	for (const name of Object.keys(env)) if (name === 'TEST' || name.startsWith('VITEST')) delete env[name];
	return env;
}

/** `vite build` into build/, quietly; the output is shown only when the build fails. */
export function buildApp(): void {
	const result = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
		{
			cwd: ROOT,
			encoding: 'utf8',
			env: productionEnv()
		}
	);
	if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

export function appIsBuilt(): boolean {
	return fs.existsSync(path.join(ROOT, 'build', 'index.js'));
}

export type DataDir = {
	dir: string;
	/** The variables that point the app at this folder instead of the developer's own data. */
	env: Record<string, string>;
	remove: () => void;
};

/**
 * A temporary folder with a database and build folder prepared exactly as `npm start` prepares
 * them: migrated, boundaries built from ../shared, seeded.
 */
export function prepareDataDir(prefix = 'resiliencia-e2e-', extraEnv: Record<string, string> = {}): DataDir {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	const remove = () => fs.rmSync(dir, { recursive: true, force: true });
	const env = {
		RESILIENCIA_DB: path.join(dir, 'e2e.db'),
		RESILIENCIA_BUILD_DIR: path.join(dir, 'build'),
		// The opt-in online basemap would send requests elsewhere; the tests check that none leave.
		RESILIENCIA_BASEMAP_STYLE_URL: '',
		...extraEnv
	};
	const script = path.join('scripts', 'prepare-data.ts');
	const result = spawnSync(TSX, [script], { cwd: ROOT, encoding: 'utf8', env: productionEnv(env) });
	if (result.status !== 0) {
		remove();
		throw new Error(`${script} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
	}
	return { dir, env, remove };
}

/** Creates a user in a prepared data folder with `npm run user:add` (the password on stdin). */
export function addUser(
	dataDir: DataDir,
	user: { email: string; role: string; password: string; scope?: string }
): void {
	const script = path.join('scripts', 'user-add.ts');
	const scope = user.scope ? ['--scope', user.scope] : [];
	const result = spawnSync(TSX, [script, '--email', user.email, '--role', user.role, ...scope], {
		cwd: ROOT,
		encoding: 'utf8',
		input: `${user.password}\n`,
		env: productionEnv(dataDir.env)
	});
	if (result.status !== 0) throw new Error(`${script} failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * Copies build/ into the data folder and serves it from there, so that a rebuild of build/ by
 * someone else (`npm start`, another test run) cannot pull files from under the running server.
 * A `node_modules` link beside the copy lets the server resolve its dependencies as it would
 * in the repository. Returns the copy's entry point.
 */
export function snapshotApp(dataDir: DataDir): string {
	const app = path.join(dataDir.dir, 'app');
	fs.cpSync(path.join(ROOT, 'build'), app, { recursive: true });
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dataDir.dir, 'node_modules'), 'dir');
	return path.join(app, 'index.js');
}

/** A port that was free a moment ago; the server binds it straight away. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export type RunningServer = {
	baseURL: string;
	process: ChildProcess;
	/** Milliseconds from spawning the process to the first 200 from `/api/health`. */
	readyAfterMs: number;
	/** Everything the server printed, for error messages. */
	output: () => string;
	stop: () => Promise<void>;
};

/**
 * Starts the built app (`node build/index.js`, or the `entry` given) on 127.0.0.1 from the
 * repository root, as `npm start` does, and resolves once `GET /api/health` answers 200.
 */
export async function startServer(
	env: Record<string, string>,
	{ entry = path.join(ROOT, 'build', 'index.js'), timeoutMs = 30_000, pollMs = 50 } = {}
): Promise<RunningServer> {
	const port = await freePort();
	const baseURL = `http://127.0.0.1:${port}`;
	const spawnedAt = performance.now();
	const child = spawn(process.execPath, [entry], {
		cwd: ROOT,
		// ORIGIN as `npm start` sets it: without it adapter-node assumes https and SvelteKit refuses forms.
		env: productionEnv({ ORIGIN: baseURL, ...env, HOST: '127.0.0.1', PORT: String(port) }),
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	};

	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(`The server exited with code ${child.exitCode} before answering:\n${output}`);
		}
		try {
			const response = await fetch(`${baseURL}/api/health`);
			await response.arrayBuffer();
			if (response.status === 200) {
				const readyAfterMs = performance.now() - spawnedAt;
				return { baseURL, process: child, readyAfterMs, output: () => output, stop };
			}
		} catch {
			// Not listening yet.
		}
		await sleep(pollMs);
	}
	await stop();
	throw new Error(`The server did not answer ${baseURL}/api/health within ${timeoutMs} ms:\n${output}`);
}
