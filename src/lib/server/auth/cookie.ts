/**
 * The session cookie. On https it is `__Host-resiliencia_session` (the prefix makes the browser
 * refuse it unless it is Secure, host-only and Path=/, so a sibling subdomain cannot plant or
 * read one); on http it is allowed only on the loopback interface (development, tests), under the
 * plain name. Always HttpOnly and SameSite=Lax (ASVS 3.4.1–3.4.4).
 */
export const SESSION_COOKIE_NAME = 'resiliencia_session';
export const SECURE_SESSION_COOKIE_NAME = `__Host-${SESSION_COOKIE_NAME}`;

export type SessionCookie = {
	name: string;
	options: { path: '/'; httpOnly: true; sameSite: 'lax'; secure: boolean };
};

/** The cookie to use for a request URL, or null when the transport may not carry a session. */
export function sessionCookie(url: URL): SessionCookie | null {
	if (url.protocol === 'https:') {
		return {
			name: SECURE_SESSION_COOKIE_NAME,
			options: { path: '/', httpOnly: true, sameSite: 'lax', secure: true }
		};
	}
	if (url.protocol === 'http:' && isLoopback(url.hostname)) {
		return {
			name: SESSION_COOKIE_NAME,
			options: { path: '/', httpOnly: true, sameSite: 'lax', secure: false }
		};
	}
	return null;
}

export function isLoopback(hostname: string): boolean {
	const host = hostname.toLowerCase();
	return (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		/^127(\.\d{1,3}){3}$/.test(host) ||
		host === '[::1]'
	);
}
