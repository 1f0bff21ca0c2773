import { parse } from 'csv-parse';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { Mapping } from '$lib/domain/import/mapping';
import { loadConfig, type ImportLimits } from '../config';

/**
 * Reads a source file as a stream of records (column → text) without holding it in memory:
 * gzip detected by its magic bytes, UTF-8 or Latin-1, `,` `;` or tab, quoted fields (csv-parse).
 * GeoJSON FeatureCollections of points are read whole, up to a size limit, with each point's
 * coordinates as the columns `$lon` and `$lat`.
 *
 * What is read is bounded however small the file (`ImportLimits`, src/lib/server/config.ts): the
 * content is counted as it comes out of gzip, so a bomb is refused once it passes the limit (or
 * inflates suspiciously many times its size) without ever being held, and so are rows past the
 * row limit. A refusal is a `SourceTooLarge` naming the setting that would raise it.
 */

export class SourceFileError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SourceFileError';
	}
}

/** The file is larger than a limit: more content, rows or inflation than an import reads. */
export class SourceTooLarge extends SourceFileError {
	constructor(
		message: string,
		/** The setting that would raise the limit, e.g. `RESILIENCIA_IMPORT_MAX_INFLATED_MB`. */
		readonly limit: string
	) {
		super(message);
		this.name = 'SourceTooLarge';
	}
}

/** The configuration's defaults, for callers that pass no limits (tests, the benchmarks). */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = loadConfig({}).importLimits;

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
/** The gzip ratio is judged only past this much content: small files may compress very well. */
const RATIO_FLOOR_BYTES = 64 * 1024 * 1024;

const mb = (bytes: number) => {
	const value = bytes / (1024 * 1024);
	return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')} MB`;
};

/**
 * Counts the content as it streams (after gzip) and fails past the limits. `compressedRead` is
 * what has been read of the file itself: ahead of what gzip has used, so the ratio is never
 * overestimated.
 */
function contentGuard(limits: ImportLimits, gzip: boolean, compressedRead: () => number): Transform {
	let inflated = 0;
	return new Transform({
		transform(chunk: Buffer, _enc, done) {
			inflated += chunk.length;
			if (inflated > limits.maxInflatedBytes) {
				done(
					new SourceTooLarge(
						gzip
							? `The file inflates past ${mb(limits.maxInflatedBytes)}; the limit is RESILIENCIA_IMPORT_MAX_INFLATED_MB (${mb(limits.maxInflatedBytes)}; --max-inflated-mb at the command line)`
							: `The file is larger than ${mb(limits.maxInflatedBytes)}; the limit is RESILIENCIA_IMPORT_MAX_INFLATED_MB (--max-inflated-mb at the command line)`,
						'RESILIENCIA_IMPORT_MAX_INFLATED_MB'
					)
				);
				return;
			}
			const ratio = inflated / Math.max(1, compressedRead());
			if (gzip && limits.maxGzipRatio > 0 && inflated >= RATIO_FLOOR_BYTES && ratio > limits.maxGzipRatio) {
				done(
					new SourceTooLarge(
						`The file inflates more than ${limits.maxGzipRatio} times its size (${mb(inflated)} from ${mb(compressedRead())} so far), like a gzip bomb; the limit is RESILIENCIA_IMPORT_MAX_GZIP_RATIO (${limits.maxGzipRatio}; --max-gzip-ratio at the command line)`,
						'RESILIENCIA_IMPORT_MAX_GZIP_RATIO'
					)
				);
				return;
			}
			done(null, chunk);
		}
	});
}

/**
 * Inflates a gzip once without parsing it, only to measure it: zlib alone runs at hundreds of MB
 * a second, so a bomb is refused in a moment, before a single row is validated (the rows would
 * flow at the pace of their validation, a thousand times slower). The same guard counts again
 * while the rows stream, should the file change in between.
 */
async function measureGzip(file: string, limits: ImportLimits): Promise<void> {
	let read = 0;
	const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
	raw.on('data', (chunk) => (read += chunk.length));
	const discard = new Writable({ write: (_chunk, _enc, done) => done() });
	try {
		await pipeline(
			raw,
			createGunzip(),
			contentGuard(limits, true, () => read),
			discard
		);
	} catch (error) {
		if (error instanceof SourceFileError) throw error;
		throw new SourceFileError(
			`The file looks gzipped but cannot be decompressed: ${(error as Error).message}`
		);
	}
}

/** Fails once a file has more rows than the limit allows. */
function rowGuard(limits: ImportLimits): (rows: number) => void {
	return (rows) => {
		if (rows > limits.maxRows)
			throw new SourceTooLarge(
				`The file has more than ${limits.maxRows.toLocaleString('en')} rows; the limit is RESILIENCIA_IMPORT_MAX_ROWS (--max-rows at the command line)`,
				'RESILIENCIA_IMPORT_MAX_ROWS'
			);
	};
}

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

export async function openSourceFile(
	file: string,
	mapping: Mapping,
	limits: ImportLimits = DEFAULT_IMPORT_LIMITS
): Promise<SourceFile> {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch {
		throw new SourceFileError(`Cannot read ${file}: no such file`);
	}
	if (!stat.isFile()) throw new SourceFileError(`${file} is not a file`);
	const gzip = isGzip(readHead(file, 2));
	const head = await sniffContent(file, gzip);
	if (gzip) await measureGzip(file, limits);

	let bytesRead = 0;
	const hash = createHash('sha256');
	const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
	raw.on('data', (chunk) => {
		bytesRead += chunk.length;
		hash.update(chunk as Buffer);
	});
	if (!gzip && stat.size > limits.maxInflatedBytes) {
		throw new SourceTooLarge(
			`The file is ${mb(stat.size)}; the limit is RESILIENCIA_IMPORT_MAX_INFLATED_MB (${mb(limits.maxInflatedBytes)}; --max-inflated-mb at the command line)`,
			'RESILIENCIA_IMPORT_MAX_INFLATED_MB'
		);
	}
	const guard = contentGuard(limits, gzip, () => bytesRead);
	const inflate = gzip ? createGunzip() : null;
	const content: Readable = inflate ? raw.pipe(inflate).pipe(guard) : raw.pipe(guard);
	raw.on('error', (error) => content.destroy(error));
	inflate?.on('error', (error) => content.destroy(error));
	const countRow = rowGuard(limits);
	let digest: string | null = null;
	const sha256 = () => (digest ??= hash.digest('hex'));

	if (mapping.format === 'geojson')
		return readGeoJson(content, stat.size, countRow, { bytesRead: () => bytesRead, sha256 });

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

	let rows = 0;
	async function* records(): AsyncGenerator<SourceRecord | UnreadableRecord> {
		try {
			for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
				while (unreadable.length > 0) {
					const skipped = unreadable.shift()!;
					linesBefore = Math.max(linesBefore, skipped.row);
					countRow(++rows);
					yield skipped;
				}
				const { record, raw } = next.value;
				const row = linesBefore + 1;
				linesBefore += newlines(raw);
				if (record.length === 1 && record[0] === '') continue; // an empty line
				countRow(++rows);
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
			inflate?.destroy();
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
	countRow: (rows: number) => void,
	progress: { bytesRead: () => number; sha256: () => string }
): Promise<SourceFile> {
	if (size > MAX_GEOJSON_BYTES) {
		throw new SourceFileError(
			`GeoJSON files are read whole and this one is ${Math.round(size / 1e6)} MB (limit ${MAX_GEOJSON_BYTES / 1e6} MB): convert it to CSV`
		);
	}
	const chunks: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of content as AsyncIterable<Buffer>) {
			// Counted inflated: a small gzip may hold far more than the whole-file limit.
			length += chunk.length;
			if (length > MAX_GEOJSON_BYTES)
				throw new SourceTooLarge(
					`GeoJSON files are read whole and this one inflates past ${MAX_GEOJSON_BYTES / 1e6} MB: convert it to CSV`,
					'GeoJSON'
				);
			chunks.push(chunk);
		}
	} finally {
		content.destroy();
	}
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
			countRow(i + 1);
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
