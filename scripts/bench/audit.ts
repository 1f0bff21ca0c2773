import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { writeExport } from '../../src/lib/server/release/export';
import { createReleaseService } from '../../src/lib/server/release/service';
import { prepareDataDir } from '../../tests/e2e/server';
import { auditRelease, formatReport } from '../audit/audit';
import { ms } from './stats';
import type { Bench, Figure } from './types';

/**
 * The independent auditor (scripts/audit, issue 19) on the public release of the default real
 * data: the release is built in a throwaway copy of the prepared database and exported as the
 * public downloads it (`npm run release:export`), then audited from those files alone. The exact
 * attacks and bounds propagation cover every cell; the LP intervals a random sample of the small
 * cells (BENCH_AUDIT_SAMPLE, default 1,000; `all` for every one), seeded so runs compare.
 */

const SAMPLE = process.env.BENCH_AUDIT_SAMPLE ?? '1000';
const SEED = Number(process.env.BENCH_AUDIT_SEED ?? 19);

export const audit: Bench = {
	name: 'audit',
	title: 'Public release: independent audit',
	async run() {
		const realDir = loadConfig().realDataDir;
		if (!fs.existsSync(realDir))
			return [{ measure: 'audit', value: '—', note: `no real data at ${realDir}` }];
		const data = prepareDataDir('resiliencia-bench-audit-');
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-bench-audit-export-'));
		try {
			const db = openDatabase(data.env.RESILIENCIA_DB!);
			let started = performance.now();
			try {
				writeExport(await createReleaseService({ db }).refresh(), dir);
			} finally {
				db.close();
			}
			const exportMs = performance.now() - started;

			started = performance.now();
			const sample = SAMPLE === 'all' ? 'all' : Number(SAMPLE);
			const report = await auditRelease(dir, { sample, seed: SEED });
			const totalMs = performance.now() - started;
			// The whole report on stderr, for the record; the table gets the headline figures.
			console.error(formatReport(report));

			const { exact, bounds, intervals: lp } = report;
			const cells = report.tables.reduce((s, t) => s + t.cells, 0);
			const w = lp.widths;
			const figures: Figure[] = [
				{
					measure: 'cells suppressed (1–10) / in the grid',
					value: `${lp.small.toLocaleString('en')} / ${cells.toLocaleString('en')}`,
					note: `release ${report.release.version}, ${report.tables.map((t) => `${t.id} ${t.small.toLocaleString('en')}`).join(', ')}; release ready and exported in ${ms(exportMs)}`
				},
				{
					measure: 'recovered exactly (peeling, linear algebra) over every cell',
					value: String(exact.peeling + exact.linearAlgebra),
					note: `${ms(exact.ms)}; ${exact.contradictions} contradictions; largest component ${exact.components.largest.toLocaleString('en')} unknowns`
				},
				{
					measure: 'recovered by bounds propagation over every cell',
					value: String(bounds.recovered),
					note: `${ms(bounds.ms)}; ${bounds.narrowed.toLocaleString('en')} small cells narrowed below 1–10`
				},
				{
					measure: `LP intervals (HiGHS), ${lp.seed === null ? 'every small cell' : `random sample, seed ${lp.seed}`}`,
					value: `${lp.audited.toLocaleString('en')} cells, ${lp.recovered} recovered`,
					note: `${ms(lp.ms)}; ${lp.infeasible} infeasible, ${lp.failed} failed; LP size median ${lp.unknowns.p50.toLocaleString('en')}, max ${lp.unknowns.max.toLocaleString('en')} unknowns`
				},
				{
					measure: 'LP interval width (max − min of the feasible counts)',
					value: w ? `p50 ${w.p50}` : '—',
					note: w
						? `min ${w.min} · p5 ${w.p5} · p95 ${w.p95} · max ${w.max}; ${lp.narrowed.toLocaleString('en')} of ${lp.audited.toLocaleString('en')} narrower than 1–10 (width 9)`
						: 'no interval'
				},
				{ measure: 'audit time (read, exact, bounds, LP)', value: ms(totalMs) }
			];
			return figures;
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
			data.remove();
		}
	}
};
