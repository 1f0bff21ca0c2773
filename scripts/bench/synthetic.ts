import fs from 'node:fs';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { seededRandom } from '../../src/lib/domain/random';

/**
 * A synthetic Police-style file (the homicide mapping's columns) of `rows` rows for load tests,
 * reproducible from `seed` (mulberry32). BENCHMARK DATA ONLY: never imported by the app, written
 * to a temporary folder and deleted after the run.
 */
export async function writeSyntheticFile(
	file: string,
	rows: number,
	codes: readonly string[],
	seed = 2021
): Promise<void> {
	const random = seededRandom(seed);
	const weapons = ['ARMA DE FUEGO', 'ARMA BLANCA / CORTOPUNZANTE', 'CONTUNDENTES', 'NO REPORTADO'];
	const sexes = ['MASCULINO', 'FEMENINO', 'NO REPORTA'];
	const ages = ['ADULTOS', 'ADOLESCENTES', 'MENORES'];
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
	function* lines() {
		yield 'fecha,departamento,municipio,codigo_dane,cod_mpio,codigo_origen,arma_medio,genero,grupo_edad,cantidad\n';
		let chunk = '';
		for (let i = 0; i < rows; i++) {
			const year = 2003 + Math.floor(random() * 22);
			const month = 1 + Math.floor(random() * 12);
			const day = 1 + Math.floor(random() * 28);
			const code = pick(codes);
			chunk += `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},SINTETICO,SINTETICO,${code}000,${code},sintetico,${pick(weapons)},${pick(sexes)},${pick(ages)},${1 + Math.floor(random() * 3)}\n`;
			if (chunk.length > 1 << 16) {
				yield chunk;
				chunk = '';
			}
		}
		yield chunk;
	}
	await pipeline(Readable.from(lines()), createGzip({ level: 1 }), fs.createWriteStream(file));
}
