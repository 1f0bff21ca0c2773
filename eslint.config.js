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
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// The browser must never reach server-only code (STYLE.md, convention 1).
		files: [
			'src/lib/components/**',
			'src/lib/map/**',
			'src/lib/state/**',
			'src/routes/**/+page.svelte',
			'src/routes/**/+layout.svelte'
		],
		rules: {
			'no-restricted-imports': ['error', { patterns: ['$lib/server/*', '**/server/**'] }]
		}
	},
	{ ignores: ['build/', '.svelte-kit/', '.build/', '.data/', 'node_modules/', 'tests/.output/'] }
);
