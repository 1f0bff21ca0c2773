import { Hono } from 'hono';
import { countMunicipalities, getDatasetMeta } from '../db/municipalities';
import { access } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';

export function healthRoutes({ db }: ApiDeps) {
	return new Hono<AppEnv>().get('/', access('public'), (c) => {
		c.header('Cache-Control', 'no-store');
		return c.json({
			status: 'ok' as const,
			dataVersion: getDatasetMeta(db, 'data.version'),
			boundaries: { municipalities: countMunicipalities(db), source: getDatasetMeta(db, 'boundaries.source') }
		});
	});
}
