import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { Mapping } from '$lib/domain/import/mapping';

/**
 * Reads a source file as a stream of records (column → text) without holding it in memory:
 * gzip detected by its magic bytes, UTF-8 or Latin-1, `,` `;` or tab, quoted fields (csv-parse).
 * GeoJSON FeatureCollections of points are read whole, up to a size limit, with each point's
 * coordinates as the columns `$lon` and `$lat`.
 */

export class SourceFileError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SourceFileError';
	}
}

/** A record's values in the order of the header. */
export type SourceRecord = { row: number; values: string[] };
/** A record csv-parse could not read (unclosed quote, wrong number of fields…). */
export type UnreadableRecord = { row: number; reason: string; raw: string };

export type SourceFile = {
	header: string[];
	records: AsyncIterable<SourceRecord | UnreadableRecord>;
	/** Bytes of the file read so far (compressed bytes for gzip), for progress. */
	bytesRead: () => number;
	bytesTotal: number;
	/** SHA-256 of the file's bytes; complete once `records` is exhausted. */
	sha256: () => string;
	encoding: 'utf-8' | 'latin1';
	delimiter: string;
};

/** The longest CSV record accepted: a longer one is hostile or not CSV. */
const MAX_RECORD_BYTES = 256 * 1024;
/** GeoJSON is parsed whole: beyond this, convert it to CSV. */
const MAX_GEOJSON_BYTES = 256 * 1024 * 1024;
const SNIFF_BYTES = 64 * 1024;

function readHead(file: string, bytes: number): Buffer {
	const fd = fs.openSync(file, 'r');
	try {
		const buffer = Buffer.alloc(bytes);
		return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0));
	} finally {
		fs.closeSync(fd);
	}
}

const isGzip = (head: Buffer) => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/** The first bytes of the file's content, decompressed if needed. */
async function sniffContent(file: string, gzip: boolean): Promise<Buffer> {
	if (!gzip) return readHead(file, SNIFF_BYTES);
	const chunks: Buffer[] = [];
	let length = 0;
	const stream = fs.createReadStream(file).pipe(createGunzip());
	try {
		for await (const chunk of stream as AsyncIterable<Buffer>) {
			chunks.push(chunk);
			length += chunk.length;
			if (length >= SNIFF_BYTES) break;
		}
	} catch (error) {
		throw new SourceFileError(
			`The file looks gzipped but cannot be decompressed: ${(error as Error).message}`
		);
	} finally {
		stream.destroy();
	}
	return Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
}

/** Valid UTF-8, allowing a multi-byte character cut at the end of the sample. */
export function looksLikeUtf8(sample: Buffer): boolean {
	for (let cut = 0; cut <= 3 && cut < sample.length; cut++) {
		try {
			new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, sample.length - cut));
			return true;
		} catch {
			// try without the last bytes
		}
	}
	return sample.length === 0;
}

/** The delimiter that splits the header line most, counting only outside quotes. */
export function sniffDelimiter(firstLine: string): string {
	let best = ',';
	let bestCount = 0;
	for (const candidate of [',', ';', '\t']) {
		let count = 0;
		let quoted = false;
		for (const ch of firstLine) {
			if (ch === '"') quoted = !quoted;
			else if (ch === candidate && !quoted) count++;
		}
		if (count > bestCount) [best, bestCount] = [candidate, count];
	}
	return best;
}

/** Decodes a byte stream, refusing invalid UTF-8 instead of silently replacing it. */
function decoder(encoding: 'utf-8' | 'latin1'): Transform {
	const text = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'latin1', { fatal: true });
	let offset = 0;
	return new Transform({
		transform(chunk: Buffer, _enc, done) {
			try {
				const out = text.decode(chunk, { stream: true });
				offset += chunk.length;
				done(null, out);
			} catch {
				done(
					new SourceFileError(
						`The file is not valid UTF-8 near byte ${offset}: set "csv": {"encoding": "latin1"} in the mapping`
					)
				);
			}
		},
		flush(done) {
			done(null, text.decode());
		}
	});
}

export async function openSourceFile(file: string, mapping: Mapping): Promise<SourceFile> {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch {
		throw new SourceFileError(`Cannot read ${file}: no such file`);
	}
	if (!stat.isFile()) throw new SourceFileError(`${file} is not a file`);
	const gzip = isGzip(readHead(file, 2));
	const head = await sniffContent(file, gzip);

	let bytesRead = 0;
	const hash = createHash('sha256');
	const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
	raw.on('data', (chunk) => {
		bytesRead += chunk.length;
		hash.update(chunk as Buffer);
	});
	const content: Readable = gzip ? raw.pipe(createGunzip()) : raw;
	raw.on('error', (error) => content.destroy(error));
	let digest: string | null = null;
	const sha256 = () => (digest ??= hash.digest('hex'));

	if (mapping.format === 'geojson')
		return readGeoJson(content, stat.size, { bytesRead: () => bytesRead, sha256 });

	const encoding =
		mapping.csv.encoding === 'auto' ? (looksLikeUtf8(head) ? 'utf-8' : 'latin1') : mapping.csv.encoding;
	const firstLine =
		new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'latin1').decode(head).split(/\r?\n/)[0] ?? '';
	const delimiter = mapping.csv.delimiter === 'auto' ? sniffDelimiter(firstLine) : mapping.csv.delimiter;

	const unreadable: UnreadableRecord[] = [];
	// Arrays and the raw text of each record, not objects and csv-parse's `info`: half the
	// parsing time. Line numbers are counted from the raw text (a quoted field may span lines).
	const parser = parse({
		delimiter,
		bom: true,
		columns: false,
		raw: true,
		skip_empty_lines: false,
		relax_column_count: true,
		relax_quotes: false,
		max_record_size: MAX_RECORD_BYTES,
		skip_records_with_error: true,
		on_skip: (error) => {
			if (!error) return;
			const row = (error as { lines?: number }).lines ?? 0;
			unreadable.push({ row, reason: error.message, raw: '' });
		}
	});
	const csv = content.pipe(decoder(encoding)).pipe(parser);
	content.on('error', (error) => csv.destroy(error));

	type Parsed = { record: string[]; raw: string };
	const iterator = (csv as AsyncIterable<Parsed>)[Symbol.asyncIterator]();
	const newlines = (text: string) => {
		let n = 0;
		for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
		return n;
	};
	// The header comes first, so that callers can check the mapping's columns before any row.
	let first: IteratorResult<Parsed>;
	try {
		first = await iterator.next();
	} catch (error) {
		throw asSourceError(error);
	}
	if (first.done) throw new SourceFileError('The file is empty: not even a header line');
	const header = first.value.record.map((name) => name.trim());
	const repeated = header.find((name, i) => header.indexOf(name) !== i);
	if (repeated !== undefined) throw new SourceFileError(`The header repeats the column "${repeated}"`);
	let linesBefore = newlines(first.value.raw);

	async function* records(): AsyncGenerator<SourceRecord | UnreadableRecord> {
		try {
			for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
				while (unreadable.length > 0) {
					const skipped = unreadable.shift()!;
					linesBefore = Math.max(linesBefore, skipped.row);
					yield skipped;
				}
				const { record, raw } = next.value;
				const row = linesBefore + 1;
				linesBefore += newlines(raw);
				if (record.length === 1 && record[0] === '') continue; // an empty line
				if (record.length !== header.length) {
					yield { row, reason: `${record.length} fields where the header has ${header.length}`, raw: '' };
					continue;
				}
				yield { row, values: record };
			}
			while (unreadable.length > 0) yield unreadable.shift()!;
		} catch (error) {
			throw asSourceError(error);
		} finally {
			raw.destroy();
		}
	}

	return {
		header,
		records: records(),
		bytesRead: () => bytesRead,
		bytesTotal: stat.size,
		sha256,
		encoding,
		delimiter
	};
}

function asSourceError(error: unknown): Error {
	if (error instanceof SourceFileError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new SourceFileError(`The file cannot be read as CSV: ${message}`);
}

const PointFeature = z.object({
	type: z.literal('Feature'),
	geometry: z.object({
		type: z.literal('Point'),
		coordinates: z.tuple([z.number(), z.number()]).rest(z.number())
	}),
	properties: z.record(z.string(), z.unknown()).nullable()
});
const FeatureCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

async function readGeoJson(
	content: Readable,
	size: number,
	progress: { bytesRead: () => number; sha256: () => string }
): Promise<SourceFile> {
	if (size > MAX_GEOJSON_BYTES) {
		throw new SourceFileError(
			`GeoJSON files are read whole and this one is ${Math.round(size / 1e6)} MB (limit ${MAX_GEOJSON_BYTES / 1e6} MB): convert it to CSV`
		);
	}
	const chunks: Buffer[] = [];
	for await (const chunk of content as AsyncIterable<Buffer>) chunks.push(chunk);
	let json: unknown;
	try {
		json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch (error) {
		throw new SourceFileError(`The file is not valid JSON: ${(error as Error).message}`);
	}
	const collection = FeatureCollection.safeParse(json);
	if (!collection.success) throw new SourceFileError('The file is not a GeoJSON FeatureCollection');
	const header = new Set<string>(['$lon', '$lat']);
	const features = collection.data.features;
	for (const f of features) {
		const props = (f as { properties?: unknown }).properties;
		if (props && typeof props === 'object') Object.keys(props).forEach((k) => header.add(k));
	}
	const columns = [...header];
	async function* records(): AsyncGenerator<SourceRecord | UnreadableRecord> {
		for (let i = 0; i < features.length; i++) {
			const feature = PointFeature.safeParse(features[i]);
			if (!feature.success) {
				yield { row: i + 1, reason: 'feature is not a GeoJSON Point feature', raw: '' };
				continue;
			}
			const byName: Record<string, string> = {};
			for (const [k, v] of Object.entries(feature.data.properties ?? {})) {
				byName[k] =
					v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
			}
			byName.$lon = String(feature.data.geometry.coordinates[0]);
			byName.$lat = String(feature.data.geometry.coordinates[1]);
			yield { row: i + 1, values: columns.map((c) => byName[c] ?? '') };
		}
	}
	return {
		header: [...header],
		records: records(),
		...progress,
		bytesTotal: size,
		encoding: 'utf-8',
		delimiter: ''
	};
}
