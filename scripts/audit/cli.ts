import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { auditRelease, failuresOf, formatReport } from './audit';

const USAGE = `Usage: npm run audit:release -- DIR [--sample N|all] [--seed S] [--absent zero|unknown]
                                   [--min-width W] [--list N] [--json]

Audits the public release in DIR (manifest.json and its CSV tables, as written by
\`npm run release:export\` or downloaded from /api/public/tables/*) using only those files and the
rules in the manifest: peeling and exact linear algebra over every relation of every table,
bounds propagation over every cell, then feasible intervals by linear programming (HiGHS) for
every small cell, or a random sample of N of them (--seed, default 1).

  --absent      how to read a cell the release does not list: zero (default, the stronger
                intruder: zeros are published, so a missing row is an area without data) or unknown
  --min-width   also fail when an audited interval is narrower than W (default 1: fail only when
                a count is recovered, i.e. its interval is one value)
  --list        how many recovered cells to print (default 10)
  --json        print the whole report as JSON instead of text

Exit code 0 when nothing is recovered, 1 when the release fails the audit, 2 on a usage error.`;

/** `npm run audit:release -- DIR …`: prints the report; the exit code says whether the release held. */
export async function main(argv: string[], print = console.log): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				sample: { type: 'string' },
				seed: { type: 'string' },
				absent: { type: 'string' },
				'min-width': { type: 'string' },
				list: { type: 'string' },
				json: { type: 'boolean' },
				help: { type: 'boolean', short: 'h' }
			}
		});
	} catch (error) {
		console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
		return 2;
	}
	const { values, positionals } = parsed;
	const count = (text: string | undefined, fallback: number) =>
		text === undefined ? fallback : /^\d+$/.test(text) ? Number(text) : NaN;
	const sample = values.sample === 'all' ? 'all' : count(values.sample, Infinity);
	const seed = count(values.seed, 1);
	const minWidth = count(values['min-width'], 1);
	const list = count(values.list, 10);
	const absent = values.absent ?? 'zero';
	const dir = positionals[0];
	const problems = [
		values.help ? '' : null,
		!dir || positionals.length > 1 ? 'give exactly one release folder' : null,
		dir && !fs.existsSync(path.join(dir, 'manifest.json')) ? `no manifest.json in ${dir}` : null,
		Number.isNaN(sample) ? '--sample must be a whole number or "all"' : null,
		Number.isNaN(seed) ? '--seed must be a whole number' : null,
		Number.isNaN(minWidth) ? '--min-width must be a whole number' : null,
		Number.isNaN(list) ? '--list must be a whole number' : null,
		absent !== 'zero' && absent !== 'unknown' ? '--absent must be zero or unknown' : null
	].filter((p) => p !== null);
	if (problems.length > 0) {
		console.error([...problems.filter(Boolean), USAGE].join('\n\n'));
		return 2;
	}

	const report = await auditRelease(dir!, {
		sample: sample === Infinity ? 'all' : sample,
		seed,
		absent: absent as 'zero' | 'unknown'
	});
	const failures = failuresOf(report, minWidth);
	if (values.json) print(JSON.stringify({ ...report, failures }, null, '\t'));
	else {
		print(formatReport(report, list));
		print(failures.length === 0 ? 'PASS: no small count recovered.' : `FAIL: ${failures.join('; ')}.`);
	}
	return failures.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(2);
		}
	);
}
