import type { PageServerLoad } from './$types';

/** The public prevention map's index: the municipalities where dialogues were held. No login. */
export const load: PageServerLoad = async ({ fetch }) => {
	const response = await fetch('/api/dialogues');
	const body = (await response.json()) as {
		dialogues: {
			programme: string;
			year: number;
			municipality: { code: string; name: string; department: string };
		}[];
	};
	return { dialogues: body.dialogues };
};
