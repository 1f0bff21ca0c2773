import os from 'node:os';
import type Database from 'better-sqlite3';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { audit, auditRefusal } from './audit';
import type { DeviceClaim } from './device';
import { LOGIN_THROTTLE, attemptSucceeded, beginAttempt } from './throttle';

/**
 * Anti-automation for sign-in (ASVS 2.2.1, 11.1.4; OWASP Authentication and Credential Stuffing
 * cheat sheets). Every attempt passes here before any password is hashed:
 *
 * - **Trusted** attempts come from a browser holding this account's device cookie (device.ts).
 *   They have their own allowance (10 failures per 15 min per device, then that device waits
 *   15 min), skip the address limits, and go first in the hashing queue. A stranger can neither
 *   lock them out nor make them wait behind a flood.
 * - **Untrusted** attempts share, per address, a rate limit (30 attempts a minute) and a cap on
 *   failures across all accounts (30 per 15 min, then the address waits 15 min: password
 *   spraying), and, per account, the lockout of throttle.ts (10 failures per 15 min).
 * - **Hashing is bounded**: at most `concurrency` scrypt computations at once (one per core, and
 *   no more than libuv's thread pool, where they run), with a bounded queue per lane. An attempt
 *   that finds its lane's queue full is answered at once (429, Retry-After) instead of waiting:
 *   a flood costs the server a bounded amount of memory (128 MiB per hash) and delays a trusted
 *   sign-in by at most the hashes already running.
 *
 * The per-address and per-device counters are rate-limiter-flexible's in-memory limiters: one
 * process serves the app and holds its SQLite database, so memory is shared by every request, and
 * a restart (which forgets them) is the operator's act, not an attacker's. The per-account lockout
 * stays in the database (throttle.ts).
 *
 * Nothing here depends on whether the email has an account: the account lockout counts the email
 * typed, and trust needs a cookie only a successful sign-in to that account issues.
 *
 * Audit: a verified failure is one `auth.login_failed` entry (login.ts), bounded by these limits;
 * the moment a lock begins is one `auth.login_locked` entry; refused attempts are
 * `auth.login_throttled` entries summarised by `auditRefusal` (audit.ts): one per account (or
 * address, or device) and window, with a count, instead of one per attempt.
 */

export type LoginLimits = {
	/** Untrusted attempts per client address (any outcome). */
	address: { points: number; durationS: number };
	/** Untrusted failed attempts per client address, whatever the account (password spraying). */
	spraying: { points: number; durationS: number; blockS: number };
	/** Failed attempts per trusted device. */
	device: { points: number; durationS: number; blockS: number };
	hashing: { concurrency: number; queued: number; trustedQueued: number };
};

/** Hashes at once: one per core, and never more than libuv's thread pool (where scrypt runs). */
export function hashingConcurrency(): number {
	const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
	return Math.max(1, Math.min(os.availableParallelism(), pool));
}

export function defaultLoginLimits(concurrency = hashingConcurrency()): LoginLimits {
	const window = LOGIN_THROTTLE.windowMs / 1000;
	// A queue of 8 per core is about a second of waiting at the production cost; at least 16, so
	// that a burst from one office of colleagues signing in at 8 a.m. waits rather than retries.
	const queued = Math.max(16, 8 * concurrency);
	return {
		address: { points: 30, durationS: 60 },
		spraying: { points: 30, durationS: window, blockS: window },
		device: { points: LOGIN_THROTTLE.maxFailures, durationS: window, blockS: window },
		hashing: { concurrency, queued, trustedQueued: queued }
	};
}

export type LoginLimit = 'account' | 'device' | 'address' | 'busy';

export type Refused = { ok: false; limit: LoginLimit; retryAfterMs: number };

export type Admitted = {
	ok: true;
	trusted: boolean;
	/** Resolves when this attempt may hash; `release()` when its hashing is done (or abandoned). */
	turn: Promise<void>;
	release(): void;
	/**
	 * The password was wrong (or the account unknown or disabled). Every counter counted this
	 * attempt in advance, so that parallel guesses cannot slip past a cap while scrypt runs; this
	 * only records the moment a lock begins.
	 */
	failed(): void;
	/** The password was right: the attempt is forgiven, and the account's failures with it. */
	succeeded(): void;
};

export type LoginClient = {
	email: string;
	ip: string | null;
	/** A device cookie already checked to belong to this account, or null. */
	device: DeviceClaim | null;
};

export type LoginGuard = {
	readonly limits: LoginLimits;
	admit(client: LoginClient, now?: number): Promise<Admitted | Refused>;
	/** What the hashing gate holds now (tests, the benchmark). */
	load(): HashingLoad;
};

export function createLoginGuard(db: Database.Database, overrides: Partial<LoginLimits> = {}): LoginGuard {
	const limits: LoginLimits = { ...defaultLoginLimits(overrides.hashing?.concurrency), ...overrides };
	const perAddress = new RateLimiterMemory({ keyPrefix: 'address', ...toOptions(limits.address) });
	const spraying = new RateLimiterMemory({ keyPrefix: 'spraying', ...toOptions(limits.spraying) });
	const perDevice = new RateLimiterMemory({ keyPrefix: 'device', ...toOptions(limits.device) });
	const gate = createHashingGate(limits.hashing);

	const refuse = (limit: LoginLimit, retryAfterMs: number, target: string, ip: string | null): Refused => {
		// One entry per account (or device, or address) and window, with a count (audit.ts).
		auditRefusal(db, {
			actor: null,
			action: 'auth.login_throttled',
			target,
			ip,
			details: { limit }
		});
		return { ok: false, limit, retryAfterMs: Math.max(1000, retryAfterMs) };
	};
	const locked = (limit: LoginLimit, target: string | null, ip: string | null, minutes: number) =>
		audit(db, { actor: null, action: 'auth.login_locked', target, ip, details: { limit, minutes } });

	return {
		limits,
		load: () => gate.load(),
		async admit({ email, ip, device }, now = Date.now()) {
			if (device) {
				// Counted in advance, forgiven on success, so parallel guesses cannot slip past the cap.
				try {
					await perDevice.consume(device.id);
				} catch (res) {
					if (!(res instanceof RateLimiterRes)) throw res;
					if (firstRefusal(res, limits.device.points)) locked('device', email, ip, limits.device.blockS / 60);
					return refuse('device', res.msBeforeNext, email, null);
				}
				const ticket = gate.reserve('trusted');
				if (!ticket) {
					void perDevice.reward(device.id);
					return refuse('busy', 1000, '*', null);
				}
				return {
					ok: true,
					trusted: true,
					turn: ticket.ready,
					release: ticket.release,
					failed() {},
					succeeded() {
						void perDevice.delete(device.id);
					}
				};
			}

			// Only in-process callers (tests, scripts) have no address: every request the server
			// answers carries one (adapter-node's getClientAddress).
			const address = ip === null ? null : addressKey(ip);
			if (address !== null) {
				try {
					await perAddress.consume(address);
				} catch (res) {
					if (!(res instanceof RateLimiterRes)) throw res;
					return refuse('address', res.msBeforeNext, 'login', address);
				}
				try {
					await spraying.consume(address);
				} catch (res) {
					if (!(res instanceof RateLimiterRes)) throw res;
					if (firstRefusal(res, limits.spraying.points))
						locked('address', null, address, limits.spraying.blockS / 60);
					return refuse('address', res.msBeforeNext, 'login', address);
				}
			}
			// An attempt refused here was never a guess: its counts are given back.
			const giveBack = () => {
				if (address !== null) void spraying.reward(address);
			};
			// The queue before the account's counter: a busy refusal costs no database write.
			const ticket = gate.reserve('untrusted');
			if (!ticket) {
				giveBack();
				return refuse('busy', 1000, '*', null);
			}
			const attempt = beginAttempt(db, email, now);
			if (!attempt.allowed) {
				ticket.release();
				giveBack();
				return refuse('account', attempt.retryAfterMs, email, null);
			}
			return {
				ok: true,
				trusted: false,
				turn: ticket.ready,
				release: ticket.release,
				failed() {
					if (attempt.failuresLeft === 0) locked('account', email, ip, LOGIN_THROTTLE.lockMs / 60_000);
				},
				succeeded() {
					giveBack();
					attemptSucceeded(db, email);
				}
			};
		}
	};
}

function toOptions(limit: { points: number; durationS: number; blockS?: number }) {
	return { points: limit.points, duration: limit.durationS, blockDuration: limit.blockS ?? 0 };
}

/** Whether a rejected `consume` is the one that started the block (and not a later one). */
function firstRefusal(res: unknown, points: number): boolean {
	return res instanceof RateLimiterRes && res.consumedPoints === points + 1;
}

/**
 * The key an address is counted under: IPv4 as it is (also when written as IPv4-mapped IPv6),
 * IPv6 by its /64, which is what one subscriber is usually given — counting single IPv6 addresses
 * would give each attacker 2^64 allowances.
 */
export function addressKey(ip: string): string {
	const address = ip.trim().toLowerCase().replace(/%.*$/, '');
	const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
	if (v4) return v4[1]!;
	if (!address.includes(':')) return address;
	const [head = '', tail] = address.split('::', 2) as [string, string | undefined];
	const groups = (part: string) => (part === '' ? [] : part.split(':'));
	const left = groups(head);
	const right = tail === undefined ? [] : groups(tail);
	const full = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
	if (full.length !== 8 || !full.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return address;
	return `${full
		.slice(0, 4)
		.map((g) => g.replace(/^0+(?=.)/, ''))
		.join(':')}::/64`;
}

// --- The hashing gate ------------------------------------------------------------------------

export type HashingLane = 'trusted' | 'untrusted';
export type HashingLoad = { running: number; queued: Record<HashingLane, number> };
export type HashingTicket = { readonly ready: Promise<void>; release(): void };

/**
 * A counting semaphore with two bounded FIFO lanes: a free slot goes to the oldest trusted waiter,
 * then to the oldest untrusted one. `reserve` decides at once: a ticket (running or queued), or
 * null when that lane's queue is full. `release` frees the slot, or leaves the queue if the ticket
 * had not started; calling it twice does nothing.
 */
export function createHashingGate(options: LoginLimits['hashing']): {
	reserve(lane: HashingLane): HashingTicket | null;
	load(): HashingLoad;
} {
	let running = 0;
	const waiting: Record<HashingLane, (() => void)[]> = { trusted: [], untrusted: [] };
	const capacity: Record<HashingLane, number> = {
		trusted: options.trustedQueued,
		untrusted: options.queued
	};
	const dispatch = () => {
		while (running < options.concurrency) {
			const start = waiting.trusted.shift() ?? waiting.untrusted.shift();
			if (!start) return;
			running++;
			start();
		}
	};
	return {
		reserve(lane) {
			let state: 'queued' | 'running' | 'done' = 'queued';
			let resolve!: () => void;
			const ready = new Promise<void>((r) => (resolve = r));
			const start = () => {
				state = 'running';
				resolve();
			};
			const ahead = waiting.trusted.length + (lane === 'untrusted' ? waiting.untrusted.length : 0);
			if (running < options.concurrency && ahead === 0) {
				running++;
				start();
			} else if (waiting[lane].length < capacity[lane]) {
				waiting[lane].push(start);
			} else {
				return null;
			}
			return {
				ready,
				release() {
					if (state === 'running') {
						running--;
						dispatch();
					} else if (state === 'queued') {
						const queue = waiting[lane];
						queue.splice(queue.indexOf(start), 1);
					}
					state = 'done';
				}
			};
		},
		load: () => ({
			running,
			queued: { trusted: waiting.trusted.length, untrusted: waiting.untrusted.length }
		})
	};
}
