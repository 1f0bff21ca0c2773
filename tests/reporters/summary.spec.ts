import { describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import { countResults, summaryLine } from './summary';

type FakeTest = { result: () => { state: string } };
type FakeSuite = { errors: () => unknown[] };

/** The slice of vitest's reported-task API that `countResults` reads. */
function fakeModule(states: string[], { moduleErrors = 0, failedSuites = 0 } = {}): TestModule {
	const tests: FakeTest[] = states.map((state) => ({ result: () => ({ state }) }));
	const suites: FakeSuite[] = Array.from({ length: failedSuites }, () => ({
		errors: () => [new Error('hook')]
	}));
	return {
		errors: () => Array.from({ length: moduleErrors }, () => new Error('import')),
		children: { allTests: () => tests.values(), allSuites: () => suites.values() }
	} as unknown as TestModule;
}

describe('summaryLine', () => {
	it('prints passed and failed, and skipped only when there are any', () => {
		expect(summaryLine({ passed: 12, failed: 0, skipped: 0 })).toBe('12 passed, 0 failed');
		expect(summaryLine({ passed: 3, failed: 1, skipped: 2 })).toBe('3 passed, 1 failed, 2 skipped');
	});
});

describe('countResults', () => {
	it('counts tests by state across modules', () => {
		const modules = [fakeModule(['passed', 'passed', 'skipped']), fakeModule(['failed', 'passed'])];
		expect(countResults(modules)).toEqual({ passed: 3, failed: 1, skipped: 1 });
	});

	it('counts a file that failed outside any test, and a failing hook, once each', () => {
		const modules = [
			fakeModule([], { moduleErrors: 2 }),
			fakeModule(['skipped', 'skipped'], { failedSuites: 1 })
		];
		expect(countResults(modules)).toEqual({ passed: 0, failed: 2, skipped: 2 });
	});

	it('leaves out tests still pending when a run is interrupted', () => {
		expect(countResults([fakeModule(['passed', 'pending'])])).toEqual({ passed: 1, failed: 0, skipped: 0 });
	});
});
