import http from 'node:http';
import { bytes } from './stats';
import type { Bench } from './types';

const LAYERS = ['municipalities', 'departments'] as const;
const ENCODINGS = ['identity', 'gzip', 'br'] as const;

/** Bytes on the wire for one request, undecoded (fetch would decompress the body). */
function wireBytes(url: string, acceptEncoding: string): Promise<{ bytes: number; encoding: string }> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers: { 'Accept-Encoding': acceptEncoding } }, (response) => {
				if (response.statusCode !== 200) {
					response.resume();
					reject(new Error(`${url}: HTTP ${response.statusCode}`));
					return;
				}
				let total = 0;
				response.on('data', (chunk: Buffer) => (total += chunk.length));
				response.on('end', () =>
					resolve({ bytes: total, encoding: response.headers['content-encoding'] ?? 'identity' })
				);
				response.on('error', reject);
			})
			.on('error', reject);
	});
}

/** (b) Boundary payloads as served by the API, raw and with each encoding a browser accepts. */
export const payload: Bench = {
	name: 'payload',
	title: 'Boundary payload',
	async run({ server }) {
		const figures = [];
		for (const layer of LAYERS) {
			const sizes: string[] = [];
			let raw = 0;
			for (const encoding of ENCODINGS) {
				const result = await wireBytes(`${server.baseURL}/api/boundaries/${layer}`, encoding);
				if (result.encoding !== encoding)
					throw new Error(`${layer}: asked for ${encoding}, got ${result.encoding}`);
				if (encoding === 'identity') raw = result.bytes;
				const ratio = encoding === 'identity' ? '' : ` (${((100 * result.bytes) / raw).toFixed(0)} %)`;
				sizes.push(`${encoding === 'identity' ? 'raw' : encoding} ${bytes(result.bytes)}${ratio}`);
			}
			figures.push({
				measure: `/api/boundaries/${layer}`,
				value: sizes.join(' · '),
				note: 'TopoJSON, bytes on the wire'
			});
		}
		return figures;
	}
};
