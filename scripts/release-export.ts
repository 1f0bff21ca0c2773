import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { writeExport } from '../src/lib/server/release/export';
import { createReleaseService } from '../src/lib/server/release/service';

const USAGE = `Usage: npm run release:export -- DIR

Writes the current public release (built first if the data changed since the last one) to DIR:
manifest.json and one CSV per table (issues.csv, sensitive.csv, hectares.csv), the format the
auditor reads (src/lib/server/release/export.ts, docs/disclosure.md).`;

/** `npm run release:export -- DIR`: the public release as files, for the auditor. */
export async function main(argv: string[]): Promise<number> {
	const dir = argv[0];
	if (!dir || dir.startsWith('-') || argv.length > 1) {
		console.error(USAGE);
		return 2;
	}
	const config = loadConfig();
	const db = openDatabase(config.databaseFile);
	try {
		const started = performance.now();
		const release = await createReleaseService({ db }).refresh();
		const manifest = writeExport(release, path.resolve(dir));
		console.log(
			`Release ${manifest.version} (built ${manifest.builtAt}) written to ${path.resolve(dir)}: ${manifest.tables
				.map((t) => `${t.file} (${t.dimensions.category.length} categories)`)
				.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s.`
		);
		return 0;
	} finally {
		db.close();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		}
	);
}
