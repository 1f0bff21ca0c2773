import { schemeRdYlBu, schemeYlGnBu, schemeYlOrRd } from 'd3-scale-chromatic';

export type RGBA = [number, number, number, number];

/**
 * ColorBrewer YlGnBu (Harrower & Brewer 2003): sequential, light to dark, and readable with the
 * common colour-vision deficiencies, so low and high density stay distinguishable for everyone.
 * d3 ships it for 3 to 9 classes; fewer classes (heavily tied data) take the ends of the 3-class set.
 */
export function sequentialPalette(classCount: number): string[] {
	const n = Math.max(3, Math.min(9, classCount));
	const scheme = schemeYlGnBu[n] as readonly string[];
	return classCount >= 3 ? [...scheme] : classCount === 2 ? [scheme[0]!, scheme[2]!] : [scheme[1]!];
}

/** '#41b6c4' → [65, 182, 196, alpha] for deck.gl accessors. */
export function hexToRgba(hex: string, alpha = 255): RGBA {
	const n = Number.parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** Municipalities without a value: a neutral grey that is not on the sequential ramp. */
export const NO_DATA_COLOUR = '#c9ced4';

/** Values withheld by disclosure control (1 to 10 cases): darker than "no data", off the ramp too. */
export const SUPPRESSED_COLOUR = '#8e96a3';

/**
 * ColorBrewer YlOrRd for reported issues: a warm ramp, so that an issue map is never mistaken
 * for the population map (YlGnBu); readable with the common colour-vision deficiencies.
 */
export function issuePalette(classCount: number): string[] {
	const n = Math.max(3, Math.min(9, classCount));
	const scheme = schemeYlOrRd[n] as readonly string[];
	return classCount >= 3 ? [...scheme] : classCount === 2 ? [scheme[0]!, scheme[2]!] : [scheme[1]!];
}

/** ColorBrewer RdYlBu for trust (diverging: red for distrust, blue for trust), 6 classes. */
export function trustPalette(): string[] {
	return [...(schemeRdYlBu[6] as readonly string[])];
}
