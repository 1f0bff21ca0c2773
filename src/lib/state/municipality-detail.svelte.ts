import { api, ApiFailure, isAbort, read } from '$lib/api';
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
			const body = await read(
				api.api.municipalities[':code'].$get({ param: { code } }, { init: { signal: controller.signal } })
			);
			if (controller.signal.aborted) return;
			this.detail = body.municipality;
			this.status = 'ready';
		} catch (error) {
			if (controller.signal.aborted || isAbort(error)) return;
			if (error instanceof ApiFailure && (error.status === 404 || error.status === 400)) {
				this.status = 'not-found';
				return;
			}
			this.status = 'error';
			console.error('Municipality facts failed to load', error);
		}
	}

	destroy(): void {
		this.#controller?.abort();
	}
}
