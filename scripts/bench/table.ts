import type { Figure } from './types';

export type Row = Figure & { bench: string };

/** A plain-text table, columns padded to their widest cell, for a terminal or a CI log. */
export function formatTable(rows: readonly Row[]): string {
	const header: Row = { bench: 'benchmark', measure: 'measure', value: 'value', note: 'how' };
	const columns = ['bench', 'measure', 'value', 'note'] as const;
	const all = [header, ...rows];
	const widths = columns.map((column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
	const line = (row: Row) =>
		columns
			.map((column, i) => (row[column] ?? '').padEnd(widths[i]!))
			.join('  ')
			.trimEnd();
	const rule = widths.map((width) => '─'.repeat(width)).join('  ');
	return [line(header), rule, ...rows.map(line)].join('\n');
}
