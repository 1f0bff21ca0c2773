import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { z } from 'zod';

/**
 * Reads a public release exactly as the public receives it: `manifest.json` and one CSV per table
 * (the format of `npm run release:export`). Nothing here knows how the release was built; it only
 * checks that every row says what the format says it may.
 */

export const CSV_HEADER = 'area_level,area_code,period_grain,period,category,value,status';

export const AREA_LEVELS = ['municipality', 'department', 'nation'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
export const GRAINS = ['month', 'quarter', 'year'] as const;
export type Grain = (typeof GRAINS)[number];
export const STATUSES = ['published', 'small', 'withheld'] as const;
export type Status = (typeof STATUSES)[number];

/**
 * Tables that the rules do not protect (hectares identify nobody and are published exactly, with
 * decimals). Their rows are checked against the format but their values are not kept.
 */
export const UNPROTECTED_TABLES: readonly string[] = ['hectares'];

export const Rules = z.object({
	smallCell: z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }),
	perturbation: z.object({ maxAbs: z.number().int().min(0) }),
	zeroPublished: z.literal(true),
	sensitiveCategories: z.array(z.string().min(1)),
	nonSensitiveGroup: z.string().min(1)
});
export type Rules = z.infer<typeof Rules>;

export const Manifest = z.object({
	version: z.union([z.string(), z.number()]),
	builtAt: z.string(),
	method: z.string(),
	rules: Rules,
	tables: z.array(
		z.object({
			id: z.string().min(1),
			// A bare file name inside the release folder: a manifest may not point elsewhere.
			file: z.string().regex(/^[\w.-]+\.csv$/, 'a CSV file name inside the release folder'),
			// Informative only (the rows say what they hold): a list of dimension names, or each
			// dimension with the values it takes, as src/lib/server/release/export.ts writes it.
			dimensions: z.union([z.array(z.string()), z.record(z.string(), z.array(z.string()))])
		})
	)
});
export type Manifest = z.infer<typeof Manifest>;

/** One table's rows in columns; strings are interned (`areas`, `periods`, `categories`). */
export type TableRows = {
	id: string;
	length: number;
	level: Uint8Array; // index into AREA_LEVELS
	area: Int32Array; // index into `areas`
	period: Int32Array; // index into `periods`
	category: Int32Array; // index into `categories`
	/** The published integer, or -1 when the value is empty. */
	value: Int32Array;
	status: Uint8Array; // index into STATUSES
};

export type Release = {
	manifest: Manifest;
	/** Interned codes, shared by every table. */
	areas: string[];
	periods: string[];
	categories: string[];
	tables: TableRows[];
};

const AREA_CODE: Record<AreaLevel, RegExp> = {
	municipality: /^\d{5}$/,
	department: /^\d{2}$/,
	nation: /^CO$/
};
const PERIOD: Record<Grain, RegExp> = {
	month: /^\d{4}-(0[1-9]|1[0-2])$/,
	quarter: /^\d{4}-Q[1-4]$/,
	year: /^\d{4}$/
};

class Column {
	data: Int32Array;
	length = 0;
	constructor(capacity = 1024) {
		this.data = new Int32Array(capacity);
	}
	push(value: number): void {
		if (this.length === this.data.length) {
			const grown = new Int32Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		this.data[this.length++] = value;
	}
	done(): Int32Array {
		return this.data.slice(0, this.length);
	}
}

function interner(list: string[]): (value: string) => number {
	const index = new Map<string, number>();
	return (value) => {
		let i = index.get(value);
		if (i === undefined) {
			i = list.length;
			list.push(value);
			index.set(value, i);
		}
		return i;
	};
}

/** Splits one CSV line; quoted fields (RFC 4180) are accepted although the format never needs them. */
function fields(line: string): string[] {
	if (!line.includes('"')) return line.split(',');
	const out: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i]!;
		if (quoted) {
			if (ch === '"' && line[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			out.push(field);
			field = '';
		} else field += ch;
	}
	out.push(field);
	return out;
}

export async function readRelease(dir: string): Promise<Release> {
	const manifestPath = path.join(dir, 'manifest.json');
	const manifest = Manifest.parse(JSON.parse(fs.readFileSync(manifestPath, 'utf8')));
	const { min, max } = manifest.rules.smallCell;
	if (min > max) throw new Error(`${manifestPath}: smallCell.min ${min} is above smallCell.max ${max}`);
	const release: Release = { manifest, areas: [], periods: [], categories: [], tables: [] };
	const areaId = interner(release.areas);
	const periodId = interner(release.periods);
	const categoryId = interner(release.categories);

	for (const table of manifest.tables) {
		const file = path.join(dir, table.file);
		const exact = UNPROTECTED_TABLES.includes(table.id);
		const cols = {
			level: new Column(),
			area: new Column(),
			period: new Column(),
			category: new Column(),
			value: new Column(),
			status: new Column()
		};
		const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
		let lineNo = 0;
		for await (const raw of lines) {
			lineNo++;
			const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
			if (lineNo === 1) {
				if (line.trim() !== CSV_HEADER) throw new Error(`${file}: header must be "${CSV_HEADER}"`);
				continue;
			}
			if (line.trim() === '') continue;
			const where = `${file}:${lineNo}`;
			const f = fields(line);
			if (f.length !== 7) throw new Error(`${where}: expected 7 fields, found ${f.length}`);
			const [level, code, grain, period, category, value, status] = f as [
				string,
				string,
				string,
				string,
				string,
				string,
				string
			];
			const levelIndex = AREA_LEVELS.indexOf(level as AreaLevel);
			if (levelIndex < 0) throw new Error(`${where}: unknown area_level "${level}"`);
			if (!AREA_CODE[level as AreaLevel].test(code)) throw new Error(`${where}: bad ${level} code "${code}"`);
			if (!GRAINS.includes(grain as Grain)) throw new Error(`${where}: unknown period_grain "${grain}"`);
			if (!PERIOD[grain as Grain].test(period)) throw new Error(`${where}: bad ${grain} "${period}"`);
			if (category === '') throw new Error(`${where}: empty category`);
			const statusIndex = STATUSES.indexOf(status as Status);
			if (statusIndex < 0) throw new Error(`${where}: unknown status "${status}"`);
			let published = -1;
			if (status === 'published' && exact) {
				if (!/^\d+(\.\d+)?$/.test(value)) throw new Error(`${where}: a published value must be a number ≥ 0`);
			} else if (status === 'published') {
				if (!/^\d+$/.test(value)) throw new Error(`${where}: a published value must be an integer ≥ 0`);
				published = Number(value);
			} else if (value !== '') throw new Error(`${where}: a ${status} cell must have an empty value`);
			cols.level.push(levelIndex);
			cols.area.push(areaId(code));
			cols.period.push(periodId(period));
			cols.category.push(categoryId(category));
			cols.value.push(published);
			cols.status.push(statusIndex);
		}
		if (lineNo === 0) throw new Error(`${file}: empty file (no header)`);
		release.tables.push({
			id: table.id,
			length: cols.level.length,
			level: Uint8Array.from(cols.level.done()),
			area: cols.area.done(),
			period: cols.period.done(),
			category: cols.category.done(),
			value: cols.value.done(),
			status: Uint8Array.from(cols.status.done())
		});
	}
	return release;
}
