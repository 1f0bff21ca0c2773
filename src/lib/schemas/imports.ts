import { z } from 'zod';

/**
 * `POST /api/imports?mapping=…&fileName=…&skipInvalid=…`: the file itself is the request body.
 * `mapping` is the id of a shipped mapping (data/mappings) or one of the tables that are not
 * reports (`survey`, `dialogues`, `booklets`, `commitments`); never a path, over HTTP.
 */
export const UploadQuery = z.object({
	mapping: z.string().regex(/^[a-z0-9-]{1,60}$/, 'must be the id of a shipped mapping'),
	fileName: z.string().max(255).default('upload.csv'),
	skipInvalid: z
		.enum(['true', 'false'])
		.default('false')
		.transform((v) => v === 'true')
});
export type UploadQuery = z.infer<typeof UploadQuery>;

/** `GET /api/imports/jobs/:id`. */
export const ImportJobParam = z.object({ id: z.uuid() });

/** `DELETE /api/imports/batches/:id`. */
export const BatchParam = z.object({ id: z.coerce.number().int().positive() });
