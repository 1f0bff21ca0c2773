import { describe, expect, it } from 'vitest';
import { commitmentStatus, shareDone } from './commitments';

describe('commitment status', () => {
	it('is overdue past its due date unless done', () => {
		expect(commitmentStatus('open', '2021-05-01', '2021-06-01')).toBe('overdue');
		expect(commitmentStatus('in_progress', '2021-05-01', '2021-06-01')).toBe('overdue');
		expect(commitmentStatus('done', '2021-05-01', '2021-06-01')).toBe('done');
		expect(commitmentStatus('open', '2021-07-01', '2021-06-01')).toBe('open');
		expect(commitmentStatus('open', null, '2021-06-01')).toBe('open');
	});

	it('gives the share done', () => {
		expect(shareDone(['done', 'overdue', 'open', 'done'])).toBe(0.5);
		expect(shareDone([])).toBeNull();
	});
});
