import type { RowProblem } from '$lib/domain/import/rows';
import { describeProblems, ImportRejected, MAX_PROBLEMS_LISTED } from './importer';

/** Collects row problems: the first 100 listed, all counted; `reject` refuses the file with them. */
export class ProblemList {
	readonly listed: RowProblem[] = [];
	count = 0;

	add(problem: RowProblem): void {
		this.count++;
		if (this.listed.length < MAX_PROBLEMS_LISTED) this.listed.push(problem);
	}

	/** Throws `ImportRejected` naming the rows when there is any problem. */
	rejectIfAny(what: string): void {
		if (this.count === 0) return;
		throw new ImportRejected(
			`${what} was not imported: ${this.count} row${this.count === 1 ? '' : 's'} cannot be read.\n${describeProblems(this.listed, this.count)}`,
			this.listed,
			this.count
		);
	}
}
