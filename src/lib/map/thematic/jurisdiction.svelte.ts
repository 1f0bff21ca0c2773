import type { LayerStatus, MapClass, ThematicLayer, TooltipLine } from '.';
import { classKeyOf } from '.';

/**
 * The patrol view's base map: the caller's jurisdiction on a pale surface, everything else in the
 * no-data grey. The H3 cells above it carry the figures, so it has no legend and no tooltip text.
 */
export class JurisdictionMap implements ThematicLayer {
	readonly id = 'jurisdiction';
	readonly colours: readonly string[] = ['#f7f4ef'];
	readonly legend = null;
	readonly status: LayerStatus = { state: 'ready', text: '' };
	readonly #inside: (code: string) => boolean;
	readonly #codes: () => readonly string[];

	readonly classKey: string = $derived.by(() =>
		classKeyOf(this.#codes(), (code) => this.classOf(code), this.colours)
	);

	constructor(inside: (code: string) => boolean, codes: () => readonly string[]) {
		this.#inside = inside;
		this.#codes = codes;
	}

	classOf(code: string): MapClass {
		return this.#inside(code) ? 0 : null;
	}

	tooltip(): TooltipLine[] {
		return [];
	}
}
