import { alertRules } from './alert-rules';
import { audit } from './audit';
import { ehsa } from './ehsa';
import { firstFrame } from './first-frame';
import { imports } from './imports';
import { loginFlood } from './login-flood';
import { payload } from './payload';
import { priorities } from './priorities';
import { publicLoad } from './public-load';
import { release } from './release';
import { startup } from './startup';
import { throughput } from './throughput';
import type { Bench } from './types';

/** Every benchmark, in the order they run and print. A new one (imports, stats…) is one more module here. */
export const benches: readonly Bench[] = [
	startup,
	payload,
	firstFrame,
	throughput,
	imports,
	priorities,
	ehsa,
	loginFlood,
	release,
	audit,
	publicLoad,
	alertRules
];
