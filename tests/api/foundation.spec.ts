import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, FIXTURE_POPULATION } from './helpers';

let ctx: ReturnType<typeof createTestContext>;
beforeAll(() => {
	ctx = createTestContext();
});
afterAll(() => ctx.cleanup());

async function json(path: string, init?: RequestInit) {
	const res = await ctx.api.request(path, init);
	return { res, body: (await res.json()) as Record<string, unknown> };
}

describe('GET /api/health', () => {
	it('reports ok with the data version', async () => {
		const { res, body } = await json('/api/health');
		expect(res.status).toBe(200);
		expect(body).toMatchObject({ status: 'ok', dataVersion: 'test-1', boundaries: { municipalities: 6 } });
	});
});

describe('GET /api/municipalities', () => {
	it('lists every municipality with department, population and area', async () => {
		const { res, body } = await json('/api/municipalities');
		expect(res.status).toBe(200);
		const list = body.municipalities as { code: string; population: number }[];
		expect(list).toHaveLength(6);
		expect(list.reduce((sum, m) => sum + m.population, 0)).toBe(FIXTURE_POPULATION);
		expect(list.find((m) => m.code === '52835')).toEqual({
			code: '52835',
			name: 'San Andrés de Tumaco',
			department: { code: '52', name: 'Nariño' },
			population: 138091,
			areaKm2: 3611.51
		});
	});
});

describe('GET /api/municipalities/:code', () => {
	it('returns one municipality with its queen neighbours', async () => {
		const { res, body } = await json('/api/municipalities/52835');
		expect(res.status).toBe(200);
		const m = body.municipality as Record<string, unknown>;
		expect(m).toMatchObject({
			code: '52835',
			name: 'San Andrés de Tumaco',
			department: { code: '52', name: 'Nariño' }
		});
		expect(m.densityPerKm2).toBeCloseTo(138091 / 3611.51, 1);
		expect(m.neighbours).toEqual([
			{ code: '52356', name: 'Ipiales', department: { code: '52', name: 'Nariño' }, sharesEdge: false },
			{ code: '52001', name: 'Pasto', department: { code: '52', name: 'Nariño' }, sharesEdge: true }
		]);
		expect(m.isIsland).toBe(false);
	});

	it('pads a 4-digit code to 5 digits', async () => {
		const { res, body } = await json('/api/municipalities/5001');
		expect(res.status).toBe(200);
		expect((body.municipality as { code: string }).code).toBe('05001');
	});

	it('flags an island with no neighbours', async () => {
		const { body } = await json('/api/municipalities/88001');
		expect(body.municipality).toMatchObject({ isIsland: true, neighbours: [] });
	});

	it('answers 404 in the API error shape for an unknown code', async () => {
		const { res, body } = await json('/api/municipalities/99999');
		expect(res.status).toBe(404);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		expect(body).toEqual({
			error: { code: 'not_found', message: 'No municipality with DIVIPOLA code 99999' }
		});
	});

	it.each(['abc', '123', '123456', '%3Cscript%3E'])('answers 400 for the malformed code %s', async (code) => {
		const { res, body } = await json(`/api/municipalities/${code}`);
		expect(res.status).toBe(400);
		expect((body.error as { code: string }).code).toBe('invalid_request');
		expect((body.error as { message: string }).message).toMatch(/not a DIVIPOLA municipality code/);
	});
});

describe('unknown routes and methods', () => {
	it('answers a JSON 404 for an unknown API path', async () => {
		const { res, body } = await json('/api/nothing-here');
		expect(res.status).toBe(404);
		expect((body.error as { code: string }).code).toBe('not_found');
	});
	it('does not accept writes on read-only resources', async () => {
		const { res, body } = await json('/api/municipalities', { method: 'POST', body: '{}' });
		expect(res.status).toBe(404);
		expect(body.error).toBeDefined();
	});
});

describe('GET /api/boundaries/:layer', () => {
	const topo = JSON.stringify({
		type: 'Topology',
		objects: { municipalities: { type: 'GeometryCollection', geometries: [] } },
		arcs: []
	});

	beforeAll(() => {
		fs.mkdirSync(ctx.config.boundariesDir, { recursive: true });
		fs.writeFileSync(path.join(ctx.config.boundariesDir, 'municipalities.topo.json'), topo);
	});

	it('serves gzip or brotli with an ETag and answers 304 when it matches', async () => {
		const gz = await ctx.api.request('/api/boundaries/municipalities', {
			headers: { 'Accept-Encoding': 'gzip' }
		});
		expect(gz.status).toBe(200);
		expect(gz.headers.get('content-encoding')).toBe('gzip');
		expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(topo);
		const etag = gz.headers.get('etag');
		expect(etag).toMatch(/^"[0-9a-f]{16}"$/);

		const br = await ctx.api.request('/api/boundaries/municipalities', {
			headers: { 'Accept-Encoding': 'gzip, br' }
		});
		expect(br.headers.get('content-encoding')).toBe('br');
		expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(topo);

		const again = await ctx.api.request('/api/boundaries/municipalities', {
			headers: { 'If-None-Match': etag! }
		});
		expect(again.status).toBe(304);
	});

	it('caches a versioned URL for a year and an unversioned one briefly', async () => {
		const plain = await ctx.api.request('/api/boundaries/municipalities');
		const version = plain.headers.get('x-boundaries-version')!;
		expect(plain.headers.get('cache-control')).toContain('must-revalidate');
		const versioned = await ctx.api.request(`/api/boundaries/municipalities?v=${version}`);
		expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(await versioned.text()).toBe(topo);
	});

	it('says how to build boundaries that are missing, and rejects unknown layers', async () => {
		const missing = await json('/api/boundaries/departments');
		expect(missing.res.status).toBe(503);
		expect((missing.body.error as { message: string }).message).toContain('npm run geo:build');
		const unknown = await json('/api/boundaries/rivers');
		expect(unknown.res.status).toBe(400);
	});
});
