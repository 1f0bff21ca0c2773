import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Builds the SvelteKit app when `build/` is missing or older than its sources, so that `npm start`
 * on a fresh clone (or after a `git pull`) serves the current code without a separate step.
 */
const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const STAMP = path.join('build', '.source-mtime');

function newestMtime(entry: string): number {
	if (!fs.existsSync(entry)) return 0;
	const stat = fs.statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
	return newest;
}

export function ensureAppBuilt(): void {
	const sourceMtime = Math.max(...SOURCES.map(newestMtime));
	const built = fs.existsSync(path.join('build', 'index.js')) && fs.existsSync(STAMP);
	if (built && Number(fs.readFileSync(STAMP, 'utf8')) >= sourceMtime) return;
	console.log('Building the web app (first start or changed sources)…');
	const result = spawnSync(
		process.execPath,
		[path.join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
		{
			stdio: 'inherit'
		}
	);
	if (result.status !== 0) throw new Error('The web app build failed (see above).');
	fs.writeFileSync(STAMP, String(sourceMtime));
}
