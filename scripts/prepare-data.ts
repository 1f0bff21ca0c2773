import { pathToFileURL } from 'node:url';
import { buildBoundaries } from '../geo/build';
import { loadConfig, type AppConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { loadDefaultData } from '../src/lib/server/reports/default-data';
import { loadDemoPanel } from '../src/lib/server/surveys/panel';
import { seedDialogues } from '../src/lib/server/dialogues/seed';
import { createReleaseService } from '../src/lib/server/release/service';

/**
 * Everything the server needs before it answers: the schema migrated, the boundaries built and
 * loaded (skipped when the source has not changed), and the real datasets of ../shared/data/real
 * imported (once: a file already imported is skipped), and the public release built from them.
 * Each step is idempotent, so it runs on every `npm start`.
 *
 * These loads call the importers directly, not the import service (src/lib/server/import/service.ts):
 * they are the installation seeding itself, run by no one on every start, and the service would
 * write an audit entry each time a dataset first lands. What a person imports or deletes, at the
 * command line (scripts/import.ts) or in the browser, goes through the service and is audited.
 */
export async function prepareData(config: AppConfig = loadConfig()): Promise<void> {
	const db = openDatabase(config.databaseFile);
	try {
		await buildBoundaries({ source: config.boundariesSource, db, outDir: config.boundariesDir });
		if (config.loadDefaultData) await loadDefaultData(db, config);
		const dialogues = seedDialogues(db);
		if (dialogues > 0)
			console.log(`Dialogues: ${dialogues} seeded from data/seed (programmes' public facts).`);
		const answers = loadDemoPanel(db);
		if (answers > 0)
			console.log(
				`Survey panel: ${answers.toLocaleString('en')} DEMONSTRATION answers generated (data/survey/demo-panel.json).`
			);
		// The public release, so that the server's first public answer need not build it (a
		// release already built from the same data is kept as it is).
		const started = performance.now();
		const release = await createReleaseService({ db }).refresh();
		console.log(
			`Public release ${release.version} (${release.sources}) ready in ${Math.round(performance.now() - started)} ms.`
		);
	} finally {
		db.close();
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	prepareData().catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
