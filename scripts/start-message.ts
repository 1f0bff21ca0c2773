import { isLoopback } from '../src/lib/server/auth/cookie';
import type { AppConfig } from '../src/lib/server/config';

/** Where sign-in is accepted, and, when listening on every interface, what is not. */
export function startMessage(config: Pick<AppConfig, 'host' | 'acceptedOrigins'>): string {
	const lines = config.acceptedOrigins.map((origin) => {
		const url = new URL(origin);
		const plain = url.protocol === 'http:' && !isLoopback(url.hostname);
		return `  ${origin}${plain ? '  (sin HTTPS, sin ingreso / no HTTPS, no sign-in)' : ''}`;
	});
	const text = [`Ingreso aceptado en / Sign-in accepted at:`, ...lines];
	if (config.host === '0.0.0.0' || config.host === '::') {
		text.push(
			'Otras direcciones de esta máquina no se aceptan para ingresar; agréguelas (con HTTPS) a',
			'RESILIENCIA_TRUSTED_ORIGINS. / Other addresses of this machine are refused for sign-in;',
			'add them (over HTTPS) to RESILIENCIA_TRUSTED_ORIGINS.'
		);
	}
	return `${text.join('\n')}\n`;
}
