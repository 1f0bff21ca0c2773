import { isHttpError, isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { homeFor, keepLanguage, requirePageRole, safeNext } from './guard';
import type { SessionUser } from './types';
import { viewerFor } from '../viewer';

const user = (role: SessionUser['role']): SessionUser => ({
	id: 1,
	email: `${role}@example.org`,
	role,
	jurisdiction: { departments: [], municipalities: [] }
});
const locals = (u: SessionUser | null) => ({
	requestId: 'test',
	user: u,
	session: null,
	viewer: viewerFor(u, null)
});

function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (error) {
		return error;
	}
	throw new Error('expected a throw');
}

describe('page guard', () => {
	it('sends the anonymous public to the login page and back, keeping the language', () => {
		const error = thrown(() =>
			requirePageRole(locals(null), new URL('https://r.example/admin/audit?action=auth.*&lang=en'), 'admin')
		);
		expect(isRedirect(error)).toBe(true);
		const location = new URL((error as { location: string }).location, 'https://r.example');
		expect(location.pathname).toBe('/ingresar');
		expect(location.searchParams.get('next')).toBe('/admin/audit?action=auth.*&lang=en');
		expect(location.searchParams.get('lang')).toBe('en');
	});

	it('answers 403 to a signed-in user without the role, and returns the user otherwise', () => {
		const error = thrown(() =>
			requirePageRole(locals(user('provider')), new URL('https://r.example/admin'), 'admin')
		);
		expect(isHttpError(error, 403)).toBe(true);
		expect(requirePageRole(locals(user('admin')), new URL('https://r.example/admin'), 'admin').role).toBe(
			'admin'
		);
	});

	it.each([
		[null, '/admin'],
		['/admin/audit?x=1', '/admin/audit?x=1'],
		['//evil.example/', '/admin'],
		['/\\evil.example', '/admin'],
		['https://evil.example/', '/admin'],
		['javascript:alert(1)', '/admin'],
		['/admin\n/evil', '/admin']
	])('only follows next=%j when it stays on this site', (next, expected) => {
		expect(safeNext(next, '/admin')).toBe(expected);
	});

	it('keeps English across the login redirect', () => {
		const english = new URL('https://r.example/login?lang=en');
		expect(keepLanguage('/admin', english)).toBe('/admin?lang=en');
		expect(keepLanguage('/admin/audit?action=auth.*', english)).toBe('/admin/audit?action=auth.*&lang=en');
		expect(keepLanguage('/admin?lang=en', english)).toBe('/admin?lang=en');
		expect(keepLanguage('/admin', new URL('https://r.example/login'))).toBe('/admin');
	});

	it('sends admins to administration and everyone else to the map', () => {
		expect(homeFor(user('admin'))).toBe('/admin');
		expect(homeFor(user('planner'))).toBe('/');
		expect(homeFor(user('provider'))).toBe('/');
		expect(homeFor(user('reporter'))).toBe('/reportes');
	});
});
