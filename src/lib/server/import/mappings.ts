import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Mapping } from '$lib/domain/import/mapping';

/** The mappings shipped in data/mappings/ (one per real dataset), and reading one from a file. */

export const MAPPINGS_DIR = path.resolve('data', 'mappings');

export class MappingError extends Error {}

export function parseMapping(json: unknown, where: string): Mapping {
	const parsed = Mapping.safeParse(json);
	if (!parsed.success) throw new MappingError(`${where} is not a valid mapping: ${describe(parsed.error)}`);
	return parsed.data;
}

/**
 * `field: reason; field: reason`, as the API words a zod error (api/errors.ts describeZodError),
 * written out here because the service layer does not import from the API.
 */
function describe(error: z.ZodError): string {
	return error.issues
		.map((issue) =>
			issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message
		)
		.join('; ');
}

export function readMappingFile(file: string): Mapping {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		throw new MappingError(`Cannot read the mapping ${file}`);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new MappingError(`${file} is not valid JSON: ${(error as Error).message}`);
	}
	return parseMapping(json, file);
}

const MAPPING_ID = /^[a-z0-9-]+$/;

/** A shipped mapping by id, or (the command line) a path to a mapping file. */
export function resolveMapping(idOrPath: string): Mapping {
	return MAPPING_ID.test(idOrPath) ? resolveShippedMapping(idOrPath) : readMappingFile(idOrPath);
}

/** A shipped mapping by id only: what a caller over HTTP may name (never a file on the server). */
export function resolveShippedMapping(id: string): Mapping {
	const file = path.join(MAPPINGS_DIR, `${id}.json`);
	if (MAPPING_ID.test(id) && fs.existsSync(file)) return readMappingFile(file);
	throw new MappingError(
		`No shipped mapping "${id}". Shipped: ${shippedMappings()
			.map((m) => m.id)
			.join(', ')}`
	);
}

export function shippedMappings(): Mapping[] {
	if (!fs.existsSync(MAPPINGS_DIR)) return [];
	return fs
		.readdirSync(MAPPINGS_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => readMappingFile(path.join(MAPPINGS_DIR, f)));
}
