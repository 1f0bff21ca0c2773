import { requirePageRole } from '$lib/server/auth/guard';
import type { CommitmentView } from '$lib/schemas/dialogues';
import type { PageServerLoad } from './$types';

/** Dialogues and commitments, for planners and admins (the API checks every call again). */
export const load: PageServerLoad = async ({ locals, url, fetch }) => {
	const user = requirePageRole(locals, url, 'admin', 'planner');
	const [dialogues, commitments] = await Promise.all([
		fetch('/api/dialogues').then((r) => r.json()),
		fetch('/api/commitments').then((r) => r.json())
	]);
	return {
		user: { email: user.email, role: user.role },
		dialogues: (
			dialogues as {
				dialogues: {
					id: number;
					programme: 'resilience-dialogues' | 'citizen-security-dialogues' | 'other';
					title: string;
					year: number;
					date: string | null;
					issues: string[];
					summary?: string | null;
					municipality: { code: string; name: string };
				}[];
			}
		).dialogues,
		commitments: (commitments as { commitments: CommitmentView[] }).commitments
	};
};
