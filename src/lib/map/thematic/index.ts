/**
 * One interface for every thematic layer of a map (population density, reported issues, trust,
 * the priority index, spatial clusters, the patrol jurisdiction). A page draws the boundary
 * polygons once and asks the active layer, per municipality code, for its class: a language
 * switch or the next month of a play changes colours and texts, never the geometry, so deck.gl
 * recolours 1,122 polygons instead of re-tessellating them (src/lib/map/layers.ts).
 */

/**
 * A municipality's class on a layer: the legend class (0 = lowest), a value withheld by disclosure
 * control, no value, or `null` when the municipality is outside what the layer covers (drawn like
 * "no data" but not counted as such in the legend; e.g. outside a provider's jurisdiction).
 */
export type MapClass = number | 'suppressed' | 'no-data' | null;

/** A tooltip line: plain text, or a figure set in bold before its unit. */
export type TooltipLine = string | { figure: string; unit: string };

export type LegendClass = { colour: string; label: string };

/** Everything a legend shows, in the caller's language; colours and entries in display order. */
export type LegendModel = {
	title: string;
	/** Under the title; `long` spells the unit out on wide screens, before `text` in brackets. */
	unit?: { text: string; long?: string };
	classes: LegendClass[];
	/** The withheld swatch's label, when some municipality on the map is withheld. */
	suppressed?: string;
	/** The no-data swatch's label, when some municipality on the map has no value. */
	noData?: string;
	/** How the classes were drawn (quantiles, natural breaks, fixed bounds). */
	method?: string;
	notes: string[];
	sources: string[];
};

export type LayerState = 'idle' | 'loading' | 'ready' | 'empty' | 'error';
/** Where the layer's figures stand, with the text to show (empty when there is nothing to say). */
export type LayerStatus = { state: LayerState; text: string };

export interface ThematicLayer {
	readonly id: string;
	/** Fill per legend class, lowest first, as '#rrggbb'. */
	readonly colours: readonly string[];
	classOf(code: string): MapClass;
	/** Changes exactly when some municipality's colour changes (see `classKeyOf`). */
	readonly classKey: string;
	tooltip(code: string): TooltipLine[];
	readonly legend: LegendModel | null;
	readonly status: LayerStatus;
}

/** What the map needs of a layer to fill the municipalities. */
export type MapFill = Pick<ThematicLayer, 'classOf' | 'classKey' | 'colours'>;

const SUPPRESSED_MARK = 's';
const NO_DATA_MARK = '-';
const OUTSIDE_MARK = '.';

/**
 * The colours of every municipality as one string: the palette, then one character per code in
 * the boundaries' order. It changes exactly when a colour on the map changes, so it serves as
 * deck.gl's update trigger, and it costs one `classOf` per municipality (~1,100 lookups), far
 * less than re-tessellating their polygons.
 */
export function classKeyOf(
	codes: readonly string[],
	classOf: (code: string) => MapClass,
	colours: readonly string[]
): string {
	let marks = '';
	for (const code of codes) {
		const c = classOf(code);
		// Class n is character '0' + n: one character per municipality whatever the class count.
		marks +=
			c === null
				? OUTSIDE_MARK
				: c === 'suppressed'
					? SUPPRESSED_MARK
					: c === 'no-data'
						? NO_DATA_MARK
						: String.fromCharCode(48 + c);
	}
	return `${colours.join(',')}|${marks}`;
}

/** Whether a class key (from `classKeyOf`) has a withheld or a no-data municipality. */
export function marksIn(classKey: string): { suppressed: boolean; noData: boolean } {
	const marks = classKey.slice(classKey.indexOf('|') + 1);
	return { suppressed: marks.includes(SUPPRESSED_MARK), noData: marks.includes(NO_DATA_MARK) };
}

/**
 * The map's fill from a layer, read now: inside a `$derived`, the map's input then follows the
 * layer's class key and palette (and `classOf` answers from the layer's current state).
 */
export function fillOf(layer: ThematicLayer): MapFill {
	return { classOf: (code) => layer.classOf(code), classKey: layer.classKey, colours: layer.colours };
}
