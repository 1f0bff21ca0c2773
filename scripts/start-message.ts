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

/**
 * What a newcomer needs when nobody can sign in yet: the command that creates the first admin
 * (the password is asked for, never put on the command line). Empty once an admin exists.
 */
export function firstAdminHint(admins: number): string {
	if (admins > 0) return '';
	return [
		'Aún no hay ninguna cuenta de administración. Cree la primera (la contraseña se pide aparte):',
		'No admin account yet. Create the first one (the password is asked for separately):',
		'  npm run user:add -- --email usted@ejemplo.org --role admin',
		''
	].join('\n');
}
