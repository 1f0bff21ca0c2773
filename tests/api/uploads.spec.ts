import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { RequestEvent } from '@sveltejs/kit';
// @ts-expect-error -- kit's internal entry ships no types; requirePageRole reads the request store
import { with_request_store } from '@sveltejs/kit/internal/server';
import { getRequest, setResponse } from '@sveltejs/kit/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../../src/hooks.server';
import { createApi } from '../../src/lib/server/api/app';
import { SERVICE_STATUS } from '../../src/lib/server/api/errors';
import { flushRefusals } from '../../src/lib/server/auth/audit';
import { requirePageRole } from '../../src/lib/server/auth/guard';
import { serverContext } from '../../src/lib/server/context';
import { importBookletsCsv } from '../../src/lib/server/dialogues/import';
import { ServiceError } from '../../src/lib/server/errors';
import { createServices } from '../../src/lib/server/services';
import { commandLineViewer, viewerFor } from '../../src/lib/server/viewer';
import { addUser, createTestContext, sessionCookieFor, TEST_SCRYPT } from './helpers';

/**
 * Issue 14, part 4: what an upload or a request body may cost the server, and the audit of what
 * is refused. Limits hold while streaming (a gzip is counted inflated, a chunked body as it
 * arrives), table imports keep flat memory, and refusals leave summarised audit entries.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let ctx: ReturnType<typeof createTestContext>;
let services: ReturnType<typeof createServices>;
const saved = { ...process.env };
const MiB = 1024 * 1024;

beforeAll(async () => {
	ctx = createTestContext();
	services = createServices({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
	// hooks.server.ts and the page guards reach the database through serverContext(), which reads
	// the environment once: point it at a database of this test's own.
	process.env.RESILIENCIA_DB = path.join(ctx.dir, 'pages.db');
	process.env.RESILIENCIA_BUILD_DIR = path.join(ctx.dir, 'build');
	await addUser(ctx.db, { email: 'planner@example.org', role: 'planner' });
	await addUser(ctx.db, {
		email: 'narino@example.org',
		role: 'provider',
		jurisdiction: { departments: ['52'], municipalities: [] }
	});
});
afterAll(() => {
	process.env = saved;
	ctx.cleanup();
});

const idOf = (email: string) =>
	ctx.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;
const cookieOf = (email: string) => sessionCookieFor(ctx.db, idOf(email));
const booklets = () => ctx.db.prepare('SELECT count(*) FROM booklets').pluck().get() as number;

type AuditRow = { actor: string | null; ip: string | null; target: string; details: Json };
function audited(db: typeof ctx.db, action: string): AuditRow[] {
	return (
		db
			.prepare('SELECT actor_email AS actor, ip, target, details FROM audit_log WHERE action = ? ORDER BY id')
			.all(action) as { actor: string | null; ip: string | null; target: string; details: string }[]
	).map((r) => ({ ...r, details: JSON.parse(r.details) as Json }));
}

/** A valid booklet row of 42 bytes: repeated, it deflates about 340 times (4 extra distance bits). */
const BOOKLET_ROW = '52835,Riñas en el parque,Mesa comunitaria\n';
const BOOKLET_HEADER = 'municipality,problem,steps\n';

/**
 * A gzip of `inflatedBytes` of valid booklet rows, made of one compressed block repeated as gzip
 * members (which gunzip reads one after the other), so that even a large bomb is built at once.
 */
function bookletBomb(file: string, inflatedBytes: number): void {
	const block = gzipSync(BOOKLET_ROW.repeat(Math.floor(MiB / BOOKLET_ROW.length)), { level: 9 });
	const out = fs.openSync(file, 'w');
	fs.writeSync(out, gzipSync(BOOKLET_HEADER));
	for (let inflated = 0; inflated < inflatedBytes; inflated += MiB) fs.writeSync(out, block);
	fs.closeSync(out);
}

/** A stream of `total` bytes in 64 KiB chunks, made as they are pulled; `pulled()` counts them. */
function countedStream(
	total: number,
	fill = 'a'
): { body: ReadableStream<Uint8Array>; pulled: () => number } {
	const chunk = new TextEncoder().encode(fill.repeat(64 * 1024));
	let sent = 0;
	return {
		body: new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= total) return controller.close();
				sent += chunk.length;
				controller.enqueue(chunk);
			}
		}),
		pulled: () => sent
	};
}

describe('import limits, checked while the file streams', () => {
	it('refuses a gzip that inflates past the limit, naming it, stores nothing and audits the refusal', async () => {
		const file = path.join(ctx.dir, 'booklets-2mb.csv.gz');
		bookletBomb(file, 2 * MiB);
		const before = booklets();
		const error = await services.imports
			.importFile(commandLineViewer(), { mapping: 'booklets', file, limits: { maxInflatedBytes: MiB } })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ServiceError);
		expect((error as ServiceError).code).toBe('too_large');
		expect((error as ServiceError).message).toMatch(
			/^The file inflates past 1\.0 MB; the limit is RESILIENCIA_IMPORT_MAX_INFLATED_MB/
		);
		expect(SERVICE_STATUS.too_large).toBe(413);
		expect(booklets()).toBe(before);
		expect(audited(ctx.db, 'booklets.import_rejected').at(-1)).toMatchObject({
			actor: commandLineViewer().actor!.email,
			target: 'booklets-2mb.csv.gz',
			details: { mapping: 'booklets', code: 'too_large', problemCount: 0, firstProblem: null }
		});
	});

	it('refuses a gzip bomb by its ratio with the default limits, before validating its rows', async () => {
		const file = path.join(ctx.dir, 'bomb.csv.gz');
		bookletBomb(file, 96 * MiB);
		expect(fs.statSync(file).size).toBeLessThan(MiB / 2);
		const error = await services.imports
			.importFile(commandLineViewer(), { mapping: 'booklets', file })
			.catch((e: unknown) => e);
		expect((error as ServiceError).code).toBe('too_large');
		expect((error as ServiceError).message).toMatch(
			/^The file inflates more than 100 times its size .*; the limit is RESILIENCIA_IMPORT_MAX_GZIP_RATIO/
		);
		expect(booklets()).toBe(0);
	});

	it('stops at the row limit, naming it', async () => {
		const file = path.join(ctx.dir, 'homicidios-150.csv');
		const row = '2021-04-02,NARIÑO,Pasto (CT),52001000,52001,fuente,ARMA DE FUEGO,MASCULINO,ADULTOS,1';
		fs.writeFileSync(
			file,
			[
				'fecha,departamento,municipio,codigo_dane,cod_mpio,codigo_origen,arma_medio,genero,grupo_edad,cantidad',
				...Array.from({ length: 150 }, () => row)
			].join('\n')
		);
		const error = await services.imports
			.importFile(commandLineViewer(), { mapping: 'policia-homicidios', file, limits: { maxRows: 100 } })
			.catch((e: unknown) => e);
		expect((error as ServiceError).code).toBe('too_large');
		expect((error as ServiceError).message).toMatch(
			/^The file has more than 100 rows; the limit is RESILIENCIA_IMPORT_MAX_ROWS/
		);
		expect(ctx.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(0);
		expect(audited(ctx.db, 'reports.import_rejected').at(-1)?.details).toMatchObject({
			mapping: 'policia-homicidios',
			code: 'too_large'
		});
	});

	it('keeps memory flat for 200,000 booklet rows: rows are staged on disk, not held', async () => {
		// The retained heap, measured after a full collection while the import runs: the previous
		// importer held every validated row until the end (about 60 MB for this file).
		v8.setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		const file = path.join(ctx.dir, 'booklets-200k.csv');
		const out = fs.createWriteStream(file);
		out.write('municipality,problem,steps,resources\n');
		for (let i = 0; i < 200_000; i++)
			out.write(
				`52835,Problema número ${i} del barrio,Primer paso ${i};Segundo paso del plan ${i},Recursos ${i}\n`
			);
		await new Promise((resolve) => out.end(resolve));
		gc();
		const base = process.memoryUsage().heapUsed;
		let growth = 0;
		const sample = setInterval(() => {
			gc();
			growth = Math.max(growth, process.memoryUsage().heapUsed - base);
		}, 500);
		try {
			expect(await importBookletsCsv(ctx.db, file)).toEqual({ rows: 200_000, added: 200_000 });
		} finally {
			clearInterval(sample);
		}
		expect(growth).toBeLessThan(16 * MiB);
		expect(booklets()).toBe(200_000);
	});
});

describe('request bodies', () => {
	it('counts a chunked upload as it streams and refuses it past the upload limit with 413', async () => {
		const api = createApi({
			db: ctx.db,
			config: { ...ctx.config, uploadMaxBytes: 2 * MiB },
			testOnlyScrypt: TEST_SCRYPT
		});
		const cookie = cookieOf('planner@example.org');
		const upload = (body: ReadableStream<Uint8Array>) =>
			api.request('/api/imports?mapping=booklets&fileName=b.csv', {
				method: 'POST',
				headers: { cookie, 'content-type': 'text/csv' },
				body,
				duplex: 'half'
			} as RequestInit);

		const big = countedStream(50 * MiB);
		const refused = await upload(big.body);
		expect(refused.status).toBe(413);
		expect(((await refused.json()) as Json).error.code).toBe('payload_too_large');
		expect(big.pulled()).toBeLessThan(3 * MiB);

		// Under the limit, chunked, the same route takes it.
		const small = new Blob([BOOKLET_HEADER, BOOKLET_ROW]).stream();
		expect((await upload(small)).status).toBe(202);
	});

	it('keeps every other API route at 64 KiB, chunked or not', async () => {
		const api = createApi({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
		const big = countedStream(50 * MiB);
		const res = await api.request('/api/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: big.body,
			duplex: 'half'
		} as RequestInit);
		expect(res.status).toBe(413);
		expect(big.pulled()).toBeLessThanOrEqual(256 * 1024);
	});

	/** A page request as SvelteKit hands it to `handle` (only what the hook reads). */
	function pageEvent(request: Request, routeId: string | null): RequestEvent {
		return {
			request,
			url: new URL(request.url),
			route: { id: routeId },
			locals: {},
			cookies: { get: () => undefined },
			getClientAddress: () => '198.51.100.4'
		} as unknown as RequestEvent;
	}
	const formHeaders = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' };

	it('refuses a chunked 50 MiB POST to the sign-in page with 413, after reading about 64 KiB of it', async () => {
		const big = countedStream(50 * MiB);
		const request = new Request('http://localhost/ingresar', {
			method: 'POST',
			headers: formHeaders,
			body: big.body,
			duplex: 'half'
		} as RequestInit);
		let resolved = false;
		const res = await handle({
			event: pageEvent(request, '/(public)/ingresar'),
			resolve: () => ((resolved = true), Promise.resolve(new Response('page')))
		});
		expect(res.status).toBe(413);
		expect(res.headers.get('connection')).toBe('close');
		expect(resolved).toBe(false);
		expect(big.pulled()).toBeLessThanOrEqual(256 * 1024);
		expect(audited(serverContext().db, 'request.too_large').at(-1)).toMatchObject({
			actor: null,
			ip: '198.51.100.4',
			target: 'POST /(public)/ingresar',
			details: { status: 413, code: 'payload_too_large', count: 1 }
		});
	});

	it('hands a small form on to the page with its body intact', async () => {
		const request = new Request('http://localhost/ingresar', {
			method: 'POST',
			headers: formHeaders,
			body: new Blob(['email=a%40example.org&password=', 'x'.repeat(1000)]).stream(),
			duplex: 'half'
		} as RequestInit);
		const res = await handle({
			event: pageEvent(request, '/(public)/ingresar'),
			resolve: async (event) => new Response(String((await event.request.formData()).get('email')))
		});
		expect(res.status).toBe(200);
		expect(await res.text()).toBe('a@example.org');
	});

	it('answers 413 to a chunked 50 MiB POST over real HTTP, as adapter-node serves it', async () => {
		// adapter-node's own path: getRequest (BODY_SIZE_LIMIT=Infinity, as scripts/start.ts sets
		// it), the app's handle, setResponse. The server counts what it actually received.
		let received = 0;
		const server = http.createServer((req, res) => {
			req.on('data', (chunk: Buffer) => (received += chunk.length));
			void (async () => {
				const request = await getRequest({ base: 'http://localhost', request: req, bodySizeLimit: Infinity });
				const response = await handle({
					event: pageEvent(request, '/(public)/ingresar'),
					resolve: () => Promise.resolve(new Response('page'))
				});
				await setResponse(res, response);
			})();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		try {
			const status = await new Promise<number>((resolve, reject) => {
				const req = http.request({
					host: '127.0.0.1',
					port,
					path: '/ingresar',
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' }
				});
				req.on('response', (res) => {
					resolve(res.statusCode ?? 0);
					res.resume();
					req.destroy();
				});
				// Once the server has answered and closed, the rest cannot be written: expected.
				req.on('error', (error) => (received > 0 ? undefined : reject(error)));
				const chunk = Buffer.alloc(64 * 1024, 'a');
				let written = 0;
				const write = () => {
					while (written < 50 * MiB && !req.destroyed) {
						written += chunk.length;
						if (!req.write(chunk)) return void req.once('drain', write);
					}
					if (!req.destroyed) req.end();
				};
				write();
			});
			expect(status).toBe(413);
			expect(received).toBeLessThan(2 * MiB);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});
});

describe('the audit of refusals', () => {
	it('writes one access.denied entry per caller, address and route a minute, with a count', async () => {
		const api = createApi({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
		const from = (ip: string) => ({ clientAddress: ip });
		for (let i = 0; i < 30; i++)
			expect((await api.request('/api/users', {}, from('203.0.113.7'))).status).toBe(401);
		expect((await api.request('/api/users', {}, from('203.0.113.8'))).status).toBe(401);
		const provider = { headers: { cookie: cookieOf('narino@example.org') } };
		expect((await api.request('/api/users', provider, from('203.0.113.9'))).status).toBe(403);
		expect(
			(await api.request('/api/municipalities/05001/surveys', provider, from('203.0.113.9'))).status
		).toBe(403);
		const forged = await api.request(
			'/api/imports/batches/1',
			{
				method: 'DELETE',
				headers: { cookie: cookieOf('planner@example.org'), origin: 'https://evil.example' }
			},
			from('203.0.113.10')
		);
		expect(forged.status).toBe(403);

		const denied = () => audited(ctx.db, 'access.denied');
		expect(denied()).toEqual([
			{
				actor: null,
				ip: '203.0.113.7',
				target: 'GET /api/users',
				details: { status: 401, code: 'unauthenticated', count: 1 }
			},
			{
				actor: null,
				ip: '203.0.113.8',
				target: 'GET /api/users',
				details: { status: 401, code: 'unauthenticated', count: 1 }
			},
			{
				actor: 'narino@example.org',
				ip: '203.0.113.9',
				target: 'GET /api/users',
				details: { status: 403, code: 'forbidden', count: 1 }
			},
			{
				actor: 'narino@example.org',
				ip: '203.0.113.9',
				target: 'GET /api/municipalities/:code/surveys',
				details: { status: 403, code: 'outside_jurisdiction', count: 1 }
			},
			// Refused before the session is read: nobody is signed in yet.
			{
				actor: null,
				ip: '203.0.113.10',
				target: 'DELETE /api/imports/batches/:id',
				details: { status: 403, code: 'csrf', count: 1 }
			}
		]);

		// A minute on, the 29 repeats from the first address are one more entry.
		flushRefusals(ctx.db, Date.now() + 61_000);
		const after = denied();
		expect(after).toHaveLength(6);
		expect(after[5]).toMatchObject({
			ip: '203.0.113.7',
			target: 'GET /api/users',
			details: { status: 401, code: 'unauthenticated', count: 29, since: expect.any(String) }
		});
		flushRefusals(ctx.db, Date.now() + 200_000, true);
		expect(denied()).toHaveLength(6);
	});

	it('writes one entry for a rejected upload, with the problem count and the first problem', async () => {
		const api = createApi({ db: ctx.db, config: ctx.config, testOnlyScrypt: TEST_SCRYPT });
		const cookie = cookieOf('planner@example.org');
		const body = [
			'municipality,respondent,sector,sex,area,wave,question,value',
			'52001,C001,youth,F,rural,2021-04,trust:police,7',
			'52001,C002,youth,F,rural,2021-04,trust:police,9',
			'99999,C003,youth,F,rural,2021-04,trust:police,2'
		].join('\n');
		const res = await api.request('/api/imports?mapping=survey&fileName=encuesta.csv', {
			method: 'POST',
			headers: { cookie, 'content-type': 'text/csv' },
			body
		});
		expect(res.status).toBe(202);
		let job = ((await res.json()) as Json).job as Json;
		for (let i = 0; i < 100 && (job.status === 'queued' || job.status === 'running'); i++) {
			await new Promise((r) => setTimeout(r, 20));
			job = (
				(await (await api.request(`/api/imports/jobs/${job.id}`, { headers: { cookie } })).json()) as Json
			).job as Json;
		}
		expect(job.status).toBe('rejected');
		expect(job.error.code).toBe('import_rejected');
		const entries = audited(ctx.db, 'surveys.import_rejected');
		expect(entries).toHaveLength(1);
		expect(entries[0]).toMatchObject({
			actor: 'planner@example.org',
			target: 'encuesta.csv',
			details: {
				mapping: 'survey',
				code: 'import_rejected',
				problemCount: 3,
				firstProblem: { row: 2, column: 'value' }
			}
		});
		expect(audited(ctx.db, 'surveys.import')).toHaveLength(0);
	});

	it('audits a page refusing a role, as the API does', () => {
		const provider = viewerFor(
			{
				id: 7,
				email: 'narino@example.org',
				role: 'provider',
				jurisdiction: { departments: ['52'], municipalities: [] }
			},
			'192.0.2.5'
		);
		const locals = { requestId: 't', user: provider.user, session: null, viewer: provider };
		const url = new URL('http://localhost/admin');
		const event = {
			locals,
			url,
			route: { id: '/admin' },
			request: new Request(url)
		} as unknown as RequestEvent;
		expect(() =>
			with_request_store({ event, state: {} } as never, () => requirePageRole(locals, url, 'admin'))
		).toThrow();
		expect(audited(serverContext().db, 'access.denied').at(-1)).toMatchObject({
			actor: 'narino@example.org',
			ip: '192.0.2.5',
			target: 'GET /admin',
			details: { status: 403, code: 'forbidden', count: 1 }
		});
	});
});
