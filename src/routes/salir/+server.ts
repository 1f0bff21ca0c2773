import { redirect } from '@sveltejs/kit';
import { sessionCookie } from '$lib/server/auth/cookie';
import { serverContext } from '$lib/server/context';
import type { RequestHandler } from './$types';

/** `POST /salir` from the sign-out button: ends the session on the server and drops the cookie. */
export const POST: RequestHandler = ({ locals, cookies, url }) => {
	serverContext().services.users.logout(locals.session, locals.viewer);
	const cookie = sessionCookie(url);
	if (cookie) cookies.delete(cookie.name, cookie.options);
	redirect(303, url.searchParams.get('lang') === 'en' ? '/ingresar?lang=en' : '/ingresar');
};
