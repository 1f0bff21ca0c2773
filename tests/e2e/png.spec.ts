import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { colourCounts, decodePng, luminanceDeviation } from './png';

/** Encodes RGB(A) rows with the given filter type per row: the inverse of what decodePng undoes. */
function encodePng(
	width: number,
	height: number,
	channels: 3 | 4,
	pixels: number[],
	filters: number[]
): Buffer {
	const stride = width * channels;
	const at = (x: number, y: number) => (x < 0 || y < 0 ? 0 : pixels[y * stride + x]!);
	const rows: number[] = [];
	for (let y = 0; y < height; y++) {
		const filter = filters[y % filters.length]!;
		rows.push(filter);
		for (let x = 0; x < stride; x++) {
			const a = at(x - channels, y);
			const b = at(x, y - 1);
			const c = at(x - channels, y - 1);
			const p = a + b - c;
			const paeth =
				Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
					? a
					: Math.abs(p - b) <= Math.abs(p - c)
						? b
						: c;
			const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
			rows.push((at(x, y) - predictor) & 0xff);
		}
	}
	const chunk = (type: string, body: Buffer) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(body.length);
		return Buffer.concat([length, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]); // CRC is not checked
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, channels === 4 ? 6 : 2, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(Buffer.from(rows))),
		chunk('IEND', Buffer.alloc(0))
	]);
}

/** A small deterministic pattern with every byte value pattern the filters can produce. */
function pattern(width: number, height: number, channels: number): number[] {
	return Array.from({ length: width * height * channels }, (_, i) => (i * 73 + ((i / 7) | 0) * 31) & 0xff);
}

describe('decodePng', () => {
	it('undoes all five row filters for RGBA', () => {
		const pixels = pattern(6, 10, 4);
		const image = decodePng(encodePng(6, 10, 4, pixels, [0, 1, 2, 3, 4]));
		expect(image.width).toBe(6);
		expect(image.height).toBe(10);
		expect([...image.data]).toEqual(pixels);
	});

	it('expands RGB to opaque RGBA', () => {
		const pixels = pattern(5, 5, 3);
		const image = decodePng(encodePng(5, 5, 3, pixels, [4, 3, 2, 1, 0]));
		const expected = [];
		for (let i = 0; i < pixels.length; i += 3) expected.push(pixels[i], pixels[i + 1], pixels[i + 2], 255);
		expect([...image.data]).toEqual(expected);
	});

	it('refuses what it cannot read', () => {
		expect(() => decodePng(Buffer.from('GIF89a'))).toThrow(/Not a PNG/);
		const png = encodePng(1, 1, 4, [0, 0, 0, 0], [0]);
		png[8 + 8 + 8] = 16; // bit depth in IHDR
		expect(() => decodePng(png)).toThrow(/Unsupported PNG/);
	});
});

describe('image measures', () => {
	it('tells a blank image from a drawn one', () => {
		const blank = decodePng(encodePng(4, 4, 3, Array(48).fill(200), [0]));
		expect(luminanceDeviation(blank)).toBeCloseTo(0, 6);
		expect([...colourCounts(blank)]).toEqual([['#c8c8c8', 16]]);

		const halves = decodePng(encodePng(2, 1, 3, [0, 0, 0, 255, 255, 255], [0]));
		expect(luminanceDeviation(halves)).toBeCloseTo(127.5, 1);
		expect(colourCounts(halves).size).toBe(2);
	});
});
