/**
 * A commitment's status as people read it: 'overdue' is derived (a due date in the past and not
 * done), never stored, so that it is true on every page and export without a nightly job.
 */
export type StoredStatus = 'open' | 'in_progress' | 'done';
export type CommitmentStatus = StoredStatus | 'overdue';

export function commitmentStatus(
	stored: StoredStatus,
	dueDate: string | null,
	today: string
): CommitmentStatus {
	if (stored === 'done' || !dueDate) return stored;
	return dueDate < today ? 'overdue' : stored;
}

/** The share of commitments done, or null without any. */
export function shareDone(statuses: readonly CommitmentStatus[]): number | null {
	return statuses.length === 0 ? null : statuses.filter((s) => s === 'done').length / statuses.length;
}
