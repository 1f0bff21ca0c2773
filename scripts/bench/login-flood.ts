import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApi } from '../../src/lib/server/api/app';
import { hashingConcurrency } from '../../src/lib/server/auth/limits';
import { loadConfig } from '../../src/lib/server/config';
import { openDatabase } from '../../src/lib/server/db/connection';
import { createServices } from '../../src/lib/server/services';
import { commandLineViewer } from '../../src/lib/server/viewer';
import { ms, percentile } from './stats';
import type { Bench, Figure } from './types';

/**
 * Issue #14: sign-in under attack, at the production scrypt cost (N = 2^17, 128 MiB per hash).
 * Before the fix, 40 concurrent sign-ins for unknown emails delayed a real one to 18 s. Each round
 * here fires 40 concurrent wrong sign-ins (30 unknown emails, 10 at the real account, each from
 * its own address, as a botnet would) and, at the same moment, the real person's sign-in from the
 * browser they used before (its device cookie); the figure is that sign-in's latency. In process
 * (`createApi(...).request`), so the figures are the server's work, not the network's.
 */

const ROUNDS = 8;
const FLOOD = 40;
const EMAIL = 'ana.bench@example.org';
const PASSWORD = 'una frase larga que nadie adivina 2026';

type Sample = { owner: number; ownerStatus: number; busyMs: number[]; statuses: number[] };

export const loginFlood: Bench = {
	name: 'login-flood',
	title: 'Sign-in under a flood (production scrypt)',
	async run() {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resiliencia-bench-login-'));
		const config = loadConfig({
			RESILIENCIA_DB: path.join(dir, 'bench.db'),
			RESILIENCIA_BUILD_DIR: path.join(dir, 'build')
		});
		const db = openDatabase(config.databaseFile);
		try {
			const services = createServices({ db, config });
			const api = createApi({ db, config, services });
			await services.users.create(commandLineViewer(), {
				email: EMAIL,
				role: 'planner',
				password: PASSWORD,
				jurisdiction: { departments: [], municipalities: [] }
			});
			const signIn = async (email: string, password: string, ip: string, device?: string | null) =>
				api.request(
					'/api/auth/login',
					{
						method: 'POST',
						headers: {
							'Content-Type': 'application/json',
							...(device ? { Cookie: `resiliencia_device=${device}` } : {})
						},
						body: JSON.stringify({ email, password })
					},
					{ clientAddress: ip }
				);
			const deviceOf = (res: Response) =>
				res.headers
					.getSetCookie()
					.map((cookie) => /^resiliencia_device=([^;]+);/.exec(cookie)?.[1])
					.find(Boolean) ?? null;
			const timed = async (request: Promise<Response>) => {
				const start = performance.now();
				const res = await request;
				return { res, ms: performance.now() - start };
			};

			let device = deviceOf(await signIn(EMAIL, PASSWORD, '203.0.113.10'));
			const quiet: number[] = [];
			for (let i = 0; i < 5; i++) {
				const { res, ms: took } = await timed(signIn(EMAIL, PASSWORD, '203.0.113.10', device));
				device = deviceOf(res) ?? device;
				quiet.push(took);
			}

			const rounds: Sample[] = [];
			for (let round = 0; round < ROUNDS; round++) {
				db.prepare('DELETE FROM login_throttle').run();
				const flood = Array.from({ length: FLOOD }, (_, i) =>
					timed(
						signIn(
							i % 4 === 0 ? EMAIL : `nadie${round}.${i}@example.org`,
							`intento ${i}`,
							`198.18.${round}.${i + 1}`
						)
					)
				);
				const owner = await timed(signIn(EMAIL, PASSWORD, '203.0.113.10', device));
				device = deviceOf(owner.res) ?? device;
				const answers = await Promise.all(flood);
				rounds.push({
					owner: owner.ms,
					ownerStatus: owner.res.status,
					busyMs: answers.filter((a) => a.res.status === 429).map((a) => a.ms),
					statuses: answers.map((a) => a.res.status)
				});
			}

			// The same flood, and the real person from a browser without the cookie.
			db.prepare('DELETE FROM login_throttle').run();
			const flood = Array.from({ length: FLOOD }, (_, i) =>
				signIn(`nadie.x.${i}@example.org`, `intento ${i}`, `198.19.0.${i + 1}`)
			);
			const untrusted = await timed(signIn(EMAIL, PASSWORD, '203.0.113.11'));
			await Promise.all(flood);

			const owner = rounds.map((r) => r.owner);
			const busy = rounds.flatMap((r) => r.busyMs);
			const statuses = rounds.flatMap((r) => r.statuses);
			const ok = rounds.filter((r) => r.ownerStatus === 200).length;
			const cost = services.deps.hasher.params;
			const figures: Figure[] = [
				{
					measure: 'real sign-in, quiet',
					value: `p50 ${ms(percentile(quiet, 50))} · p95 ${ms(percentile(quiet, 95))}`,
					note: `n=${quiet.length}, scrypt ln=${cost.logN} r=${cost.r} p=${cost.p}, ${hashingConcurrency()} hashes at once`
				},
				{
					measure: `real sign-in (device cookie) under ${FLOOD} concurrent wrong ones`,
					value: `p50 ${ms(percentile(owner, 50))} · p95 ${ms(percentile(owner, 95))}`,
					note: `${ok}/${ROUNDS} rounds answered 200; before the fix: 18 s`
				},
				{
					measure: 'flood attempts answered 429 at once (queue full)',
					value: busy.length ? `p50 ${ms(percentile(busy, 50))} · p95 ${ms(percentile(busy, 95))}` : '—',
					note: `${busy.length} of ${statuses.length} attempts; ${statuses.filter((s) => s === 401).length} hashed and answered 401`
				},
				{
					measure: 'real sign-in without its device cookie, same flood',
					value: ms(untrusted.ms),
					note: `answered ${untrusted.res.status} (${untrusted.res.status === 429 ? 'queue full: try again' : 'queued behind the flood'})`
				}
			];
			return figures;
		} finally {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	}
};
