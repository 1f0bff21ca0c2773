import { api, read, type DialogueMark } from '$lib/api';
import { clusterDialogueMarks, type ClusteredMark } from '$lib/map/dialogue-clusters';

/**
 * The dialogues layer of the public map: every dialogue the caller may see (GET /api/dialogues),
 * the filter chosen in the sidebar, and the marks drawn for them at a zoom level.
 */

export type { DialogueMark };

/** Empty strings: no restriction on that field. */
export type DialogueFilter = { programme: string; year: string; issue: string };

export class DialogueLayer {
	all = $state.raw<DialogueMark[]>([]);
	shown = $state(false);
	filter = $state.raw<DialogueFilter>({ programme: '', year: '', issue: '' });

	readonly filtered: DialogueMark[] = $derived(
		this.all.filter(
			(d) =>
				(!this.filter.programme || d.programme === this.filter.programme) &&
				(!this.filter.year || String(d.year) === this.filter.year) &&
				(!this.filter.issue || d.issues.includes(this.filter.issue))
		)
	);

	async load(): Promise<void> {
		// Without dialogues (a refusal, a failure) the layer is empty, not an error on the map.
		this.all = (await read(api.api.dialogues.$get({ query: {} })).catch(() => null))?.dialogues ?? [];
	}

	set(shown: boolean, filter: DialogueFilter): void {
		this.shown = shown;
		this.filter = filter;
	}

	/** The dialogues held in one municipality, filter or not (the panel lists them all). */
	in(code: string): DialogueMark[] {
		return this.all.filter((d) => d.municipality.code === code);
	}

	/**
	 * The marks to draw at a whole zoom level, undefined while the layer is hidden: at the public
	 * place when there is one, else at the municipality's point.
	 */
	marksAt(zoomLevel: number): ClusteredMark[] | undefined {
		if (!this.shown) return undefined;
		return clusterDialogueMarks(
			this.filtered.map((d) => ({
				position: d.place ? [d.place.lon, d.place.lat] : d.municipality.point,
				exact: d.place !== null
			})),
			zoomLevel
		);
	}
}
