import { describe, expect, it } from 'vitest';
import { clusterDialogueMarks } from './dialogue-clusters';

// Three dialogues in the Montes de María (El Carmen de Bolívar, San Jacinto, El Guamo), one in Tumaco.
const montes = [
	{ position: [-75.12, 9.72] as [number, number], exact: false },
	{ position: [-75.12, 9.83] as [number, number], exact: true },
	{ position: [-74.98, 10.03] as [number, number], exact: false }
];
const tumaco = { position: [-78.76, 1.8] as [number, number], exact: true };

describe('dialogue clusters', () => {
	it('groups neighbouring dialogues over the whole country and counts them', () => {
		const marks = clusterDialogueMarks([...montes, tumaco], 5);
		expect(marks.map((m) => m.count).sort()).toEqual([1, 3]);
		const group = marks.find((m) => m.count === 3)!;
		expect(group.exact).toBe(false);
		expect(marks.find((m) => m.count === 1)).toEqual({ ...tumaco, count: 1 });
	});

	it('draws every dialogue on its own from zoom 9, and keeps the total at every zoom', () => {
		for (let zoom = 3; zoom <= 12; zoom++) {
			const marks = clusterDialogueMarks([...montes, tumaco], zoom);
			expect(marks.reduce((sum, m) => sum + m.count, 0)).toBe(4);
			if (zoom >= 9) expect(marks).toHaveLength(4);
		}
		expect(clusterDialogueMarks([], 5)).toEqual([]);
	});
});
