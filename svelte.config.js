import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// SvelteKit's own form check compares a form post's Origin with `url.origin`, and `npm start`
		// pins `url` to the accepted origin each request came to (scripts/start.ts, csrf.ts), so every
		// configured origin passes it. No `trustedOrigins` here: they would be fixed when the app is
		// built, while the operator sets the origins at start (ORIGIN, RESILIENCIA_TRUSTED_ORIGINS).
		csrf: { trustedOrigins: [] },
		// SvelteKit adds nonces to its own inline bootstrap script, so no inline script runs
		// without one; 'self' covers everything else because nothing is loaded from elsewhere.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'worker-src': ['self', 'blob:'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
