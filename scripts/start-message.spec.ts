import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/lib/server/config';
import { firstAdminHint, startMessage } from './start-message';

/** Issue #14, origin: what `npm start` prints is where signing in works. */
const configFor = (env: Record<string, string>) =>
	loadConfig({ RESILIENCIA_DB: '/tmp/unused.db', RESILIENCIA_BUILD_DIR: '/tmp/unused-build', ...env });

describe('the start message of npm start', () => {
	it('with HOST=127.0.0.1, the printed URL is the first origin accepted for sign-in', () => {
		const config = configFor({ HOST: '127.0.0.1', PORT: '3000' });
		expect(config.origin).toBe('http://127.0.0.1:3000');
		const message = startMessage(config);
		expect(message.split('\n')[1]).toBe('  http://127.0.0.1:3000');
		expect(message).not.toMatch(/no sign-in/);
		expect(message).not.toMatch(/Other addresses/);
	});

	it('with HOST=0.0.0.0, lists every accepted origin and says other addresses are refused', () => {
		const message = startMessage(
			configFor({ HOST: '0.0.0.0', PORT: '8080', RESILIENCIA_TRUSTED_ORIGINS: 'https://mapa.example.org' })
		);
		for (const origin of [
			'http://localhost:8080',
			'http://127.0.0.1:8080',
			'http://[::1]:8080',
			'https://mapa.example.org'
		])
			expect(message).toContain(`  ${origin}\n`);
		expect(message).toMatch(
			/Other addresses of this machine are refused for sign-in;\nadd them \(over HTTPS\) to RESILIENCIA_TRUSTED_ORIGINS/
		);
		expect(message).toMatch(/Otras direcciones de esta máquina no se aceptan para ingresar/);
	});

	it('marks a plain-http origin off loopback as one where signing in cannot work', () => {
		const message = startMessage(configFor({ HOST: '0.0.0.0', ORIGIN: 'http://192.168.1.5:3000' }));
		expect(message).toContain('  http://192.168.1.5:3000  (sin HTTPS, sin ingreso / no HTTPS, no sign-in)');
	});
});

describe('the first-admin hint of npm start', () => {
	it('gives the command to create the first admin, in Spanish and English, only while there is none', () => {
		const hint = firstAdminHint(0);
		expect(hint).toContain('npm run user:add -- --email usted@ejemplo.org --role admin');
		expect(hint).toMatch(/Aún no hay ninguna cuenta de administración/);
		expect(hint).toMatch(/No admin account yet/);
		expect(firstAdminHint(1)).toBe('');
	});
});
