import type { Reporter, SerializedError, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';

/**
 * Prints one plain last line after vitest's own output, `12 passed, 0 failed` (`, 2 skipped` only
 * when there are any), for CI tools that read it.
 *
 * Failures that belong to no single test still count, once each: a file that cannot be imported,
 * a failing `beforeAll`/`afterAll`, an unhandled error. Whenever vitest itself judges the run failed,
 * the line says at least `1 failed`, so it can never report a broken run as clean. A run that dies
 * before any test starts (a failing global setup, such as the e2e build) still gets its line on
 * stdout; vitest prints the setup error after it, on stderr.
 */
export default class SummaryReporter implements Reporter {
	#vitest: Vitest | undefined;

	onInit(vitest: Vitest): void {
		this.#vitest = vitest;
	}

	onTestRunEnd(
		testModules: ReadonlyArray<TestModule>,
		unhandledErrors: ReadonlyArray<SerializedError>,
		reason: TestRunEndReason
	): void {
		const counts = countResults(testModules);
		counts.failed += unhandledErrors.length;
		if (reason !== 'passed' && counts.failed === 0) counts.failed = 1;
		const line = summaryLine(counts);
		if (this.#vitest) this.#vitest.logger.log(line);
		else console.log(line);
	}
}

export type Counts = { passed: number; failed: number; skipped: number };

export function countResults(testModules: ReadonlyArray<TestModule>): Counts {
	const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
	for (const module of testModules) {
		for (const test of module.children.allTests()) {
			const { state } = test.result();
			// 'pending' only happens when the run was interrupted; `reason` covers that case.
			if (state !== 'pending') counts[state] += 1;
		}
		const suites: (TestModule | TestSuite)[] = [module, ...module.children.allSuites()];
		for (const suite of suites) if (suite.errors().length > 0) counts.failed += 1;
	}
	return counts;
}

export function summaryLine({ passed, failed, skipped }: Counts): string {
	return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
