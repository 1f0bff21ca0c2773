import { error, redirect } from '@sveltejs/kit';
import { auditPageDenial } from '../page-errors';
import type { Role, SessionUser } from './types';

/**
 * The server-side check for restricted pages, called from a `+layout.server.ts` load and again at
 * the top of every form action (actions do not run layout loads). Anonymous visitors go to the
 * login page and come back; a signed-in user without the role gets 403.
 */
export function requirePageRole(locals: App.Locals, url: URL, ...roles: Role[]): SessionUser {
	const user = locals.user;
	if (!user) {
		const login = new URLSearchParams({ next: url.pathname + url.search });
		if (url.searchParams.get('lang') === 'en') login.set('lang', 'en');
		redirect(303, `/ingresar?${login}`);
	}
	if (!roles.includes(user.role)) {
		auditPageDenial('forbidden', 403);
		error(403, 'No tiene acceso a esta página / You may not open this page');
	}
	// Pages only admins may open need the admin's second factor: without one, enrol it first (the
	// API answers such a session 403 `mfa_required`, api/access.ts).
	if (roles.every((role) => role === 'admin') && locals.session?.needsSecondFactor) {
		redirect(303, keepLanguage(ENROL_PATH, url));
	}
	return user;
}

/** Where an admin without a second factor is sent: the account page, at its authenticator. */
export const ENROL_PATH = '/cuenta?mfa=required';

/**
 * Where to go after signing in: a path on this site only (never `//evil.example` or a scheme),
 * so that the `next` parameter cannot be used to send someone elsewhere (open redirect, ASVS 5.1.5).
 */
export function safeNext(next: string | null, fallback: string): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	if ([...next].some((ch) => ch.charCodeAt(0) < 32)) return fallback;
	return next;
}

/** Carries the English switch (`?lang=en`) of `from` over to `path`, unless `path` sets its own. */
export function keepLanguage(path: string, from: URL): string {
	if (from.searchParams.get('lang') !== 'en' || /[?&]lang=/.test(path)) return path;
	return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

/** The first page after login for each role (a reporter's work is its community reports). */
export function homeFor(user: SessionUser): string {
	if (user.role === 'admin') return '/admin';
	return user.role === 'reporter' ? '/reportes' : '/';
}
