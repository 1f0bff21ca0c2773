import { z } from 'zod';
import { parseMunicipalityCode } from '../domain/divipola';

/** A DIVIPOLA municipality code in a URL or a file: 4 or 5 digits, normalised to 5. */
export const MunicipalityCode = z.string().transform((value, ctx) => {
	const code = parseMunicipalityCode(value);
	if (code === null) {
		ctx.addIssue({
			code: 'custom',
			message: `"${value.slice(0, 40)}" is not a DIVIPOLA municipality code (5 digits, e.g. 05001)`
		});
		return z.NEVER;
	}
	return code;
});

export type DepartmentRef = { code: string; name: string };

export type MunicipalitySummary = {
	code: string;
	name: string;
	department: DepartmentRef;
	population: number;
	areaKm2: number;
};

export type MunicipalityDetail = MunicipalitySummary & {
	officialName: string;
	households: number | null;
	densityPerKm2: number;
	point: { lon: number; lat: number };
	bbox: [west: number, south: number, east: number, north: number];
	isIsland: boolean;
	neighbours: { code: string; name: string; department: DepartmentRef; sharesEdge: boolean }[];
};
