import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { sessionCookie } from './cookie';
import { crossOriginRefusal, FORWARDED_PROTOCOL_HEADER, pinRequestOrigin, requestOrigin } from './csrf';

/**
 * Trusted origins (issue #14): sign-in works at the URL `npm start` prints and at every origin the
 * operator configures, and nowhere else. `pinRequestOrigin` is what scripts/start.ts applies to
 * each raw request before adapter-node builds `url` from `Host` and the protocol header; the
 * checks after it are the app's own (csrf.ts, cookie.ts) and SvelteKit's form check, which is
 * `Origin === url.origin`.
 */

const origins = (env: Record<string, string>) => loadConfig(env).acceptedOrigins;

/** The `url` adapter-node builds for a raw request after start.ts has pinned it. */
function pinned(headers: IncomingHttpHeaders, accepted: readonly string[]): URL {
	const copy = { ...headers };
	pinRequestOrigin(copy, accepted);
	return new URL(`${String(copy[FORWARDED_PROTOCOL_HEADER])}://${copy.host}/ingresar`);
}

/** A form post as a browser without Sec-Fetch-Site sends it; null when every check lets it through. */
function formPost(headers: IncomingHttpHeaders, accepted: readonly string[]): string | null {
	const url = pinned(headers, accepted);
	const origin = headers.origin!;
	// SvelteKit's own check (kit.csrf) for form content types:
	if (origin !== url.origin) return 'refused by SvelteKit';
	return crossOriginRefusal('POST', new Headers({ Origin: origin }), url);
}

describe('accepted origins (config.ts)', () => {
	it('without ORIGIN: the printed URL first, then the loopback names of the port', () => {
		expect(loadConfig({}).origin).toBe('http://localhost:3000');
		expect(origins({})).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']);
		expect(loadConfig({ HOST: '127.0.0.1', PORT: '4100' }).origin).toBe('http://127.0.0.1:4100');
		expect(origins({ HOST: '127.0.0.1', PORT: '4100' })).toEqual([
			'http://127.0.0.1:4100',
			'http://localhost:4100',
			'http://[::1]:4100'
		]);
		expect(origins({ HOST: '::1' })[0]).toBe('http://[::1]:3000');
		// A specific LAN address: only itself (sign-in will need https there, cookie.ts).
		expect(origins({ HOST: '192.168.1.5' })).toEqual(['http://192.168.1.5:3000']);
	});

	it('with ORIGIN: it and RESILIENCIA_TRUSTED_ORIGINS, normalised, nothing added', () => {
		expect(
			origins({
				ORIGIN: 'HTTPS://Resiliencia.Example:443/',
				RESILIENCIA_TRUSTED_ORIGINS: ' https://www.resiliencia.example , https://10.0.0.5:8443,'
			})
		).toEqual(['https://resiliencia.example', 'https://www.resiliencia.example', 'https://10.0.0.5:8443']);
		expect(origins({ RESILIENCIA_TRUSTED_ORIGINS: 'https://mapa.example' })).toEqual([
			'http://localhost:3000',
			'https://mapa.example',
			'http://127.0.0.1:3000',
			'http://[::1]:3000'
		]);
	});

	it.each([
		[{ ORIGIN: 'ftp://resiliencia.example' }, /ORIGIN: .*not http or https/],
		[{ ORIGIN: 'https://resiliencia.example/app' }, /ORIGIN: .*origin only/],
		[{ ORIGIN: 'resiliencia.example' }, /ORIGIN: .*not a URL/],
		[
			{ RESILIENCIA_TRUSTED_ORIGINS: 'https://a.example,https://user:pw@b.example' },
			/TRUSTED_ORIGINS: .*origin only/
		],
		[{ ORIGIN: 'https://a.example', RESILIENCIA_TRUSTED_ORIGINS: 'http://a.example' }, /share a host/]
	])('refuses %j', (env, message) => {
		expect(() => loadConfig(env)).toThrow(message);
	});
});

describe('the origin each request is answered as', () => {
	const accepted = [
		'https://resiliencia.example',
		'https://www.resiliencia.example',
		'http://127.0.0.1:3000'
	];

	it('is the accepted origin named by Host, with the default port or without', () => {
		expect(requestOrigin({ host: 'www.resiliencia.example' }, accepted)).toBe(
			'https://www.resiliencia.example'
		);
		expect(requestOrigin({ host: 'WWW.resiliencia.example:443' }, accepted)).toBe(
			'https://www.resiliencia.example'
		);
		expect(requestOrigin({ host: '127.0.0.1:3000' }, accepted)).toBe('http://127.0.0.1:3000');
	});

	it('falls back to an accepted Origin (a proxy that rewrote Host), then to the first origin', () => {
		expect(requestOrigin({ host: 'backend:3000', origin: 'https://www.resiliencia.example' }, accepted)).toBe(
			'https://www.resiliencia.example'
		);
		expect(requestOrigin({ host: 'backend:3000', origin: 'https://evil.example' }, accepted)).toBe(
			'https://resiliencia.example'
		);
		expect(requestOrigin({}, accepted)).toBe('https://resiliencia.example');
		// Host wins over Origin: the cookies a browser sends belong to the name it connected to.
		expect(
			requestOrigin({ host: 'resiliencia.example', origin: 'https://www.resiliencia.example' }, accepted)
		).toBe('https://resiliencia.example');
	});

	it('replaces whatever Host and protocol header the client sent', () => {
		const headers: IncomingHttpHeaders = { host: 'evil.example', [FORWARDED_PROTOCOL_HEADER]: 'https' };
		expect(pinRequestOrigin(headers, ['http://localhost:3000'])).toBe('http://localhost:3000');
		expect(headers).toMatchObject({ host: 'localhost:3000', [FORWARDED_PROTOCOL_HEADER]: 'http' });
	});
});

describe('sign-in at every configured origin, and CSRF refusals unchanged', () => {
	it('accepts the form post at http://127.0.0.1:PORT when npm start printed it (HOST=127.0.0.1)', () => {
		const accepted = origins({ HOST: '127.0.0.1' });
		const headers = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' };
		expect(formPost(headers, accepted)).toBeNull();
		// …and the session cookie may be set there (plain http on loopback).
		expect(sessionCookie(pinned(headers, accepted))?.name).toBe('resiliencia_session');
	});

	it('accepts every loopback name with HOST=0.0.0.0, and the trusted origins behind a proxy', () => {
		const local = origins({});
		for (const origin of local) {
			expect(formPost({ host: new URL(origin).host, origin }, local), origin).toBeNull();
		}
		const proxied = origins({
			ORIGIN: 'https://resiliencia.example',
			RESILIENCIA_TRUSTED_ORIGINS: 'https://www.resiliencia.example'
		});
		for (const origin of proxied) {
			// Host preserved by the proxy, or rewritten to the backend's address: both pass.
			expect(formPost({ host: new URL(origin).host, origin }, proxied), origin).toBeNull();
			expect(formPost({ host: '127.0.0.1:3000', origin }, proxied), origin).toBeNull();
			expect(sessionCookie(pinned({ host: '127.0.0.1:3000', origin }, proxied))?.options.secure).toBe(true);
		}
	});

	it('still refuses a form post from an untrusted origin', () => {
		const accepted = origins({ HOST: '127.0.0.1' });
		expect(formPost({ host: '127.0.0.1:3000', origin: 'https://evil.example' }, accepted)).not.toBeNull();
		expect(formPost({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:4000' }, accepted)).not.toBeNull();
		const url = pinned({ host: '127.0.0.1:3000' }, accepted);
		expect(crossOriginRefusal('POST', new Headers({ 'Sec-Fetch-Site': 'cross-site' }), url)).toMatch(
			/refused/
		);
	});

	it('refuses a same-origin post at a name the operator did not configure (a LAN address, DNS rebinding)', () => {
		const accepted = origins({});
		const lan = { host: '192.168.1.5:3000', origin: 'http://192.168.1.5:3000' };
		const url = pinned(lan, accepted);
		expect(url.origin).toBe('http://localhost:3000');
		expect(
			crossOriginRefusal('POST', new Headers({ 'Sec-Fetch-Site': 'same-origin', Origin: lan.origin }), url)
		).toMatch(/not configured/);
		// The app's own pages still pass.
		expect(
			crossOriginRefusal(
				'POST',
				new Headers({ 'Sec-Fetch-Site': 'same-origin', Origin: 'http://localhost:3000' }),
				url
			)
		).toBeNull();
	});
});
