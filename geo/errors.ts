/** Where DANE publishes the Marco Geoestadístico Nacional, for error messages. */
export const DANE_MGN_URL =
	'https://geoportal.dane.gov.co/servicios/descarga-y-metadatos/descarga-mgn-marco-geoestadistico-nacional/';

/**
 * A boundary source that cannot be used. The message says where we looked, what was wrong and
 * where to get a good file; the CLI prints it without a stack trace.
 */
export class BoundarySourceError extends Error {
	constructor(file: string, problem: string) {
		super(
			`Cannot use the boundary source ${file}\n  ${problem.replace(/\n/g, '\n  ')}\n` +
				`Get the municipal boundaries (MGN) from DANE: ${DANE_MGN_URL}\n` +
				`and point RESILIENCIA_BOUNDARIES at a TopoJSON or GeoJSON file of municipalities (property MPIO_CDPMP).`
		);
		this.name = 'BoundarySourceError';
	}
}
