import { hc, type ClientResponse, type InferResponseType } from 'hono/client';
import type { AppType } from '$lib/server/api/app';

/**
 * The browser's one client of the API, typed from the server's own routes (`hc<AppType>`, Hono's
 * RPC client): a route's query, params and answer are checked by the compiler on both sides, so
 * no component keeps a hand-written copy of a response type. The import of `AppType` is a type
 * import, erased at build time: no server code reaches the browser.
 *
 *   const figures = await read(api.stats.municipalities.$get({ query }, { init: { signal } }));
 *
 * Pass an `AbortSignal` (`init.signal`) so that a newer request cancels a stale one.
 */
export const api = hc<AppType>('/');

/** A refused or failed call: the API's error code and message (`{"error":{code,message,details}}`). */
export class ApiFailure extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details?: Record<string, string>
	) {
		super(message);
		this.name = 'ApiFailure';
	}
}

type ErrorBody = { error?: { code?: string; message?: string; details?: Record<string, string> } };

/** The answer's JSON, or an `ApiFailure` naming the API's error. */
export async function read<T>(pending: Promise<ClientResponse<T>>): Promise<T> {
	const response = await pending;
	if (response.ok) return (await response.json()) as T;
	const body = (await response.json().catch(() => ({}))) as ErrorBody;
	throw new ApiFailure(
		response.status,
		body.error?.code ?? 'error',
		body.error?.message ?? `HTTP ${response.status}`,
		body.error?.details
	);
}

/** True for the rejection of a request that a newer one (or a teardown) aborted: not an error to show. */
export function isAbort(error: unknown): boolean {
	return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * Answers that several modules of the browser name, inferred from the routes (never written by
 * hand: a change of the server's answer is a compile error here, not a wrong cast somewhere).
 */
export type StatsAnswer = InferResponseType<typeof api.api.stats.municipalities.$get, 200>;
export type AreaValue = StatsAnswer['values'][number];
export type Extent = InferResponseType<typeof api.api.stats.extent.$get, 200>;
/** The public release's data dictionary: its tables' grains and areas, and the public categories. */
export type PublicDictionary = InferResponseType<typeof api.api.public.dictionary.$get, 200>;
export type SurveyWaves = InferResponseType<typeof api.api.surveys.waves.$get, 200>;
export type TrustEstimate = InferResponseType<
	typeof api.api.surveys.municipalities.$get,
	200
>['values'][number];
export type DialogueMark = InferResponseType<typeof api.api.dialogues.$get, 200>['dialogues'][number];
export type Scenario = InferResponseType<typeof api.api.analysis.scenarios.$get, 200>['scenarios'][number];
