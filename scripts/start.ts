import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/lib/server/config';
import { ensureAppBuilt } from './build-app';
import { prepareData } from './prepare-data';

/**
 * `npm start`: build the app if needed, prepare the data, then serve. One command for a new
 * user on a fresh clone; every step is skipped when already done.
 */
async function main(): Promise<void> {
	const config = loadConfig();
	ensureAppBuilt();
	await prepareData(config);
	process.env.PORT = String(config.port);
	process.env.HOST = config.host;
	// adapter-node assumes https when ORIGIN is unset, and SvelteKit then refuses the forms posted
	// from http://localhost. Behind a TLS proxy, set ORIGIN to the public https URL.
	process.env.ORIGIN ??= `http://localhost:${config.port}`;
	// adapter-node refuses request bodies over 512 KB by default; the import upload takes files up to
	// RESILIENCIA_UPLOAD_MAX_MB (the API checks that limit itself, with a clear 413).
	process.env.BODY_SIZE_LIMIT ??= String(config.uploadMaxBytes + 1024 * 1024);
	// The adapter-node server starts listening when imported.
	await import(pathToFileURL(path.resolve('build', 'index.js')).href);
	const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
	console.log(`\nResiliencia está lista / is ready: http://${shownHost}:${config.port}/\n`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
