import { Hono } from 'hono';
import { z } from 'zod';
import { MunicipalityCode } from '../../schemas/municipality';
import { getMunicipality, listMunicipalities } from '../db/municipalities';
import { access } from './access';
import type { ApiDeps } from './deps';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

export function municipalityRoutes({ db }: ApiDeps) {
	return new Hono<AppEnv>()
		.get('/', access('public'), (c) => {
			c.header('Cache-Control', 'public, max-age=300');
			return c.json({ municipalities: listMunicipalities(db) });
		})
		.get('/:code', access('public'), validate('param', z.object({ code: MunicipalityCode })), (c) => {
			const { code } = c.req.valid('param');
			const municipality = getMunicipality(db, code);
			if (!municipality) throw new ApiError(404, 'not_found', `No municipality with DIVIPOLA code ${code}`);
			c.header('Cache-Control', 'public, max-age=300');
			return c.json({ municipality });
		});
}
