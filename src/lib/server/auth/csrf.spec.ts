import { describe, expect, it } from 'vitest';
import { isLoopback, sessionCookie } from './cookie';
import { crossOriginRefusal } from './csrf';

const url = new URL('https://resiliencia.example/api/users');
const check = (method: string, headers: Record<string, string>) =>
	crossOriginRefusal(method, new Headers(headers), url);

describe('cross-origin protection', () => {
	it.each([
		['GET', { 'Sec-Fetch-Site': 'cross-site' }],
		['HEAD', { Origin: 'https://evil.example' }],
		['POST', { 'Sec-Fetch-Site': 'same-origin' }],
		['POST', { 'Sec-Fetch-Site': 'none' }],
		['PATCH', { Origin: 'https://resiliencia.example' }],
		['DELETE', {}]
	])('lets %s %j through', (method, headers) => {
		expect(check(method, headers)).toBeNull();
	});

	it.each([
		['POST', { 'Sec-Fetch-Site': 'cross-site' }],
		['POST', { 'Sec-Fetch-Site': 'same-site' }],
		['PUT', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://resiliencia.example' }],
		['POST', { Origin: 'https://evil.example' }],
		['POST', { Origin: 'null' }],
		['DELETE', { Origin: 'http://resiliencia.example' }],
		['PATCH', { Origin: 'https://resiliencia.example:8443' }]
	])('refuses %s %j', (method, headers) => {
		expect(check(method, headers)).toMatch(/refused/);
	});
});

describe('session cookie', () => {
	it('is __Host- and Secure on https, plain on loopback http, and absent on other http', () => {
		expect(sessionCookie(new URL('https://resiliencia.example/'))).toEqual({
			name: '__Host-resiliencia_session',
			options: { path: '/', httpOnly: true, sameSite: 'lax', secure: true }
		});
		expect(sessionCookie(new URL('http://localhost:4180/'))?.name).toBe('resiliencia_session');
		expect(sessionCookie(new URL('http://localhost:4180/'))?.options.secure).toBe(false);
		expect(sessionCookie(new URL('http://192.0.2.10/'))).toBeNull();
		expect(sessionCookie(new URL('http://resiliencia.example/'))).toBeNull();
	});

	it.each(['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]'])(
		'treats %s as loopback',
		(host) => {
			expect(isLoopback(host)).toBe(true);
		}
	);
	it.each(['localhost.example', '10.0.0.1', '128.0.0.1', 'example.org'])(
		'does not treat %s as loopback',
		(host) => {
			expect(isLoopback(host)).toBe(false);
		}
	);
});
