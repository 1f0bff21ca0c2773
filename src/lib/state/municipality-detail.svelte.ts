import type { MunicipalityDetail } from '$lib/schemas/municipality';

export type DetailStatus = 'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/**
 * The facts of the selected municipality from `/api/municipalities/:code`. Selecting quickly
 * (arrowing through neighbours, clicking across the map) aborts the previous request, so a slow
 * answer can never overwrite a newer selection.
 */
export class MunicipalityDetailState {
	status = $state<DetailStatus>('idle');
	code = $state<string | null>(null);
	detail = $state.raw<MunicipalityDetail | null>(null);

	#controller: AbortController | null = null;

	async load(code: string | null): Promise<void> {
		if (code === this.code && this.status !== 'error') return;
		this.#controller?.abort();
		this.code = code;
		this.detail = null;
		if (code === null) {
			this.status = 'idle';
			return;
		}
		const controller = new AbortController();
		this.#controller = controller;
		this.status = 'loading';
		try {
			const response = await fetch(`/api/municipalities/${encodeURIComponent(code)}`, {
				signal: controller.signal
			});
			if (controller.signal.aborted) return;
			if (response.status === 404 || response.status === 400) {
				this.status = 'not-found';
				return;
			}
			if (!response.ok) throw new Error(`GET /api/municipalities/${code} answered ${response.status}`);
			const body = (await response.json()) as { municipality: MunicipalityDetail };
			if (controller.signal.aborted) return;
			this.detail = body.municipality;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted) return;
			this.status = 'error';
			console.error('Municipality facts failed to load', error);
		}
	}

	destroy(): void {
		this.#controller?.abort();
	}
}
