import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Mapping } from '$lib/domain/import/mapping';
import { describeZodError } from '../api/errors';

/** The mappings shipped in data/mappings/ (one per real dataset), and reading one from a file. */

export const MAPPINGS_DIR = path.resolve('data', 'mappings');

export class MappingError extends Error {}

export function parseMapping(json: unknown, where: string): Mapping {
	const parsed = Mapping.safeParse(json);
	if (!parsed.success)
		throw new MappingError(
			`${where} is not a valid mapping: ${describeZodError(parsed.error as z.ZodError)}`
		);
	return parsed.data;
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

/** A shipped mapping by id, or a path to a mapping file. */
export function resolveMapping(idOrPath: string): Mapping {
	if (/^[a-z0-9-]+$/.test(idOrPath)) {
		const file = path.join(MAPPINGS_DIR, `${idOrPath}.json`);
		if (fs.existsSync(file)) return readMappingFile(file);
		throw new MappingError(
			`No shipped mapping "${idOrPath}". Shipped: ${shippedMappings()
				.map((m) => m.id)
				.join(', ')}`
		);
	}
	return readMappingFile(idOrPath);
}

export function shippedMappings(): Mapping[] {
	if (!fs.existsSync(MAPPINGS_DIR)) return [];
	return fs
		.readdirSync(MAPPINGS_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => readMappingFile(path.join(MAPPINGS_DIR, f)));
}
