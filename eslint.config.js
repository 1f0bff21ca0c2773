import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	{
		// Typed rules for every TypeScript and Svelte file: a promise nobody awaits loses its error,
		// and an async function where a void callback is expected (an event handler, forEach) runs
		// unawaited (immich does the same).
		files: ['**/*.ts', '**/*.svelte'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig,
				tsconfigRootDir: import.meta.dirname
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error'
		}
	},
	{
		// The browser must never reach server-only code (STYLE.md, convention 1), and neither may the
		// code it shares with the server: pure domain logic, schemas, messages, configuration.
		files: [
			'src/lib/api/**',
			'src/lib/components/**',
			'src/lib/config/**',
			'src/lib/domain/**',
			'src/lib/i18n/**',
			'src/lib/map/**',
			'src/lib/schemas/**',
			'src/lib/state/**',
			'src/routes/**/+page.svelte',
			'src/routes/**/+layout.svelte'
		],
		// Type-only imports are erased at build time: the typed API client reads the server's route
		// types (`import type { AppType }`), and no server code reaches the browser.
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{ patterns: [{ group: ['$lib/server/*', '**/server/**'], allowTypeImports: true }] }
			]
		}
	},
	{ ignores: ['build/', '.svelte-kit/', '.build/', '.data/', 'node_modules/', 'tests/.output/'] }
);
