import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FORWARDED_PROTOCOL_HEADER, pinRequestOrigin } from '../src/lib/server/auth/csrf';
import { loadConfig, type AppConfig } from '../src/lib/server/config';
import { ensureAppBuilt } from './build-app';
import { openDatabase } from '../src/lib/server/db/connection';
import { firstAdminHint, startMessage } from './start-message';
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
	// adapter-node's BODY_SIZE_LIMIT applies to every route alike, and the import upload is a route
	// (/api goes through SvelteKit), so raising it for the upload raised it for every form too. It
	// is off instead, and each route has its own limit, counted as the body streams: 64 KiB for pages
	// (hooks.server.ts), 64 KiB for the API and RESILIENCIA_UPLOAD_MAX_MB for the upload (api/access.ts).
	process.env.BODY_SIZE_LIMIT ??= 'Infinity';
	await serve(config);
	console.log(`\nResiliencia está lista / is ready: ${config.origin}/`);
	console.log(startMessage(config));
	const hint = firstAdminHint(countAdmins(config.databaseFile));
	if (hint) console.log(hint);
}

/** Active admins in the database (prepareData has migrated it). */
function countAdmins(file: string): number {
	const db = openDatabase(file);
	try {
		const row = db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as {
			n: number;
		};
		return row.n;
	} finally {
		db.close();
	}
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;

/**
 * Serves adapter-node's handler behind one step of our own: each request's origin is pinned to
 * one of the accepted origins before SvelteKit sees it (csrf.ts `requestOrigin`).
 *
 * Why not ORIGIN: adapter-node gives every request the one ORIGIN, so the app reached at
 * http://127.0.0.1:3000 believed it was http://localhost:3000, SvelteKit's form check compared the
 * browser's Origin with that and refused the sign-in (and the API did the same for clients without
 * Sec-Fetch-Site). Why not SvelteKit's `csrf.trustedOrigins`: it is fixed when the app is built,
 * and the origins are the operator's, known at start. So ORIGIN is left unset for adapter-node,
 * which then builds `url` from the Host header and PROTOCOL_HEADER — both written here from the
 * accepted list, whatever the client sent. `url` is therefore always an accepted origin, every
 * check that compares Origin with it (SvelteKit's, hooks.server.ts's, the API's) accepts exactly
 * the configured origins, and the session cookie follows the scheme of that origin.
 */
async function serve(config: AppConfig): Promise<http.Server> {
	// adapter-node reads these once, when its handler is imported.
	const origin = process.env.ORIGIN;
	delete process.env.ORIGIN;
	delete process.env.HOST_HEADER;
	delete process.env.PORT_HEADER;
	process.env.PROTOCOL_HEADER = FORWARDED_PROTOCOL_HEADER;
	const { handler } = (await import(pathToFileURL(path.resolve('build', 'handler.js')).href)) as {
		handler: Handler;
	};
	// The app's own configuration (src/lib/server/context.ts) then reads the same ORIGIN as this script.
	if (origin !== undefined) process.env.ORIGIN = origin;
	const server = http.createServer((req, res) => {
		pinRequestOrigin(req.headers, config.acceptedOrigins);
		handler(req, res, () => {
			res.statusCode = 404;
			res.end();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => resolve());
	});
	// As adapter-node's own server: finish the requests under way, then stop (at most 30 s).
	const stop = () => {
		server.closeIdleConnections();
		server.close(() => process.exit(0));
		setTimeout(() => server.closeAllConnections(), 30_000).unref();
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	return server;
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
