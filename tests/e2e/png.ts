import { inflateSync } from 'node:zlib';

/**
 * A minimal PNG decoder for screenshots (PNG spec, W3C 2003): 8-bit RGB or RGBA, not interlaced,
 * which is what Chromium writes. Anything else is refused rather than misread.
 */
export type Image = { width: number; height: number; /** RGBA, row by row. */ data: Uint8Array };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(png: Buffer): Image {
	if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('Not a PNG file');
	let width = 0;
	let height = 0;
	let channels = 0;
	const idat: Buffer[] = [];
	for (let offset = 8; offset < png.length;) {
		const length = png.readUInt32BE(offset);
		const type = png.toString('latin1', offset + 4, offset + 8);
		const body = png.subarray(offset + 8, offset + 8 + length);
		offset += 12 + length; // length, type, body, CRC
		if (type === 'IHDR') {
			width = body.readUInt32BE(0);
			height = body.readUInt32BE(4);
			const [bitDepth, colourType, , , interlace] = body.subarray(8, 13);
			channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
			if (bitDepth !== 8 || channels === 0 || interlace !== 0) {
				throw new Error(
					`Unsupported PNG: bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}`
				);
			}
		} else if (type === 'IDAT') {
			idat.push(body);
		} else if (type === 'IEND') {
			break;
		}
	}
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * channels;
	const pixels = new Uint8Array(stride * height);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		const out = y * stride;
		for (let x = 0; x < stride; x++) {
			const a = x >= channels ? pixels[out + x - channels]! : 0; // left
			const b = y > 0 ? pixels[out - stride + x]! : 0; // up
			const c = x >= channels && y > 0 ? pixels[out - stride + x - channels]! : 0; // up-left
			const predictor =
				filter === 0
					? 0
					: filter === 1
						? a
						: filter === 2
							? b
							: filter === 3
								? (a + b) >> 1
								: filter === 4
									? paeth(a, b, c)
									: NaN;
			if (Number.isNaN(predictor)) throw new Error(`Bad PNG filter type ${filter} on row ${y}`);
			pixels[out + x] = (line[x]! + predictor) & 0xff;
		}
	}
	if (channels === 4) return { width, height, data: pixels };
	const rgba = new Uint8Array(width * height * 4);
	for (let i = 0, j = 0; i < pixels.length; i += 3, j += 4) {
		rgba[j] = pixels[i]!;
		rgba[j + 1] = pixels[i + 1]!;
		rgba[j + 2] = pixels[i + 2]!;
		rgba[j + 3] = 255;
	}
	return { width, height, data: rgba };
}

function paeth(a: number, b: number, c: number): number {
	const p = a + b - c;
	const pa = Math.abs(p - a);
	const pb = Math.abs(p - b);
	const pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** How often each colour occurs, as `#rrggbb` → pixel count (alpha ignored). */
export function colourCounts({ data }: Image): Map<string, number> {
	const counts = new Map<string, number>();
	for (let i = 0; i < data.length; i += 4) {
		const key = `#${((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!).toString(16).padStart(6, '0')}`;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return counts;
}

/** Standard deviation of luminance (Rec. 709 weights, 0–255): about 0 for a blank image. */
export function luminanceDeviation({ data }: Image): number {
	let sum = 0;
	let sumSquares = 0;
	const n = data.length / 4;
	for (let i = 0; i < data.length; i += 4) {
		const y = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
		sum += y;
		sumSquares += y * y;
	}
	const mean = sum / n;
	return Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
}
