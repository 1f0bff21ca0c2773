import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { OUTPUT_DIR } from './browser';
import { addUser, appIsBuilt, buildApp, prepareDataDir, snapshotApp, startServer } from './server';

declare module 'vitest' {
	export interface ProvidedContext {
		/** Origin of the built app under test, e.g. `http://127.0.0.1:41234`. */
		baseURL: string;
		/** A planner created for the tests in the throwaway database. */
		planner: { email: string; password: string };
		/** A security provider whose jurisdiction is Nariño (department 52). */
		provider: { email: string; password: string };
		/** An admin without a second factor yet (the account e2e enrols one). */
		admin: { email: string; password: string };
		/** A community liaison whose jurisdiction is Tumaco (52835). */
		reporter: { email: string; password: string };
	}
}

/**
 * Runs once before the e2e files: builds the app (set E2E_SKIP_BUILD=1 to reuse an existing
 * build/ while iterating on tests), prepares a fresh database in a temporary folder and serves a
 * copy of the built app from there on a free port, as `npm start` would. The server's log is kept in
 * tests/.output/server.log.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const started = Date.now();
	if (process.env.E2E_SKIP_BUILD === '1' && appIsBuilt()) {
		console.log('e2e: reusing build/ (E2E_SKIP_BUILD=1)');
	} else {
		buildApp();
	}
	const data = prepareDataDir();
	const planner = { email: 'planner@e2e.test', password: 'a long e2e password 2026' };
	const provider = { email: 'narino@e2e.test', password: 'another long e2e password' };
	const admin = { email: 'admin@e2e.test', password: 'quartz lantern meadow 2026 e2e' };
	const reporter = { email: 'tumaco@e2e.test', password: 'river canoe mangrove e2e 2026' };
	try {
		addUser(data, { ...planner, role: 'planner' });
		addUser(data, { ...provider, role: 'provider', scope: '52' });
		addUser(data, { ...admin, role: 'admin' });
		addUser(data, { ...reporter, role: 'reporter', scope: '52835' });
		const server = await startServer(data.env, { entry: snapshotApp(data) });
		console.log(
			`e2e: built app at ${server.baseURL}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`
		);
		project.provide('baseURL', server.baseURL);
		project.provide('planner', planner);
		project.provide('provider', provider);
		project.provide('admin', admin);
		project.provide('reporter', reporter);
		return async () => {
			await server.stop();
			fs.mkdirSync(OUTPUT_DIR, { recursive: true });
			fs.writeFileSync(path.join(OUTPUT_DIR, 'server.log'), server.output());
			data.remove();
		};
	} catch (error) {
		data.remove();
		throw error;
	}
}
