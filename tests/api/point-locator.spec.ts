import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridFeatures, gridCode, GRID_ORIGIN } from '../../geo/fixtures';
import { createPointLocator, loadPointLocator } from '../../src/lib/server/geo/point-locator';
import { loadConfig } from '../../src/lib/server/config';

describe('the point locator', () => {
	it('finds the grid cell holding a point, and nothing outside', () => {
		const locator = createPointLocator(
			gridFeatures().map((f) => ({ code: String(f.properties.MPIO_CDPMP), geometry: f.geometry }))
		);
		const [x0, y0] = GRID_ORIGIN;
		const ring = gridFeatures()[0]!.geometry.coordinates[0]!;
		const size = Math.max(...ring.map(([x]) => x!)) - x0;
		// The middle of cell (0, 0).
		expect(locator.locate(x0 + size / 2, y0 + size / 2)).toBe(gridCode(0, 0));
		expect(locator.locate(x0 - 5, y0 - 5)).toBeNull();
	});

	const source = loadConfig().boundariesSource;
	it(`locates real points in the DANE MGN (${path.basename(source)})`, async () => {
		const locator = await loadPointLocator(source);
		expect(locator.locate(-75.5636, 6.2518)).toBe('05001');
		expect(locator.locate(-78.6139, 1.6361)).toBe('52835');
		expect(locator.locate(-79.8, 4.6)).toBeNull();
	});
});
