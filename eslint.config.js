import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'Buffer',
          'fetch',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'AbortController',
          'AbortSignal',
          'structuredClone',
          'TextEncoder',
          'TextDecoder',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The console runs in the browser, and renders only through its DOM helpers.
    files: ['host/console/**/*.ts'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'sessionStorage',
          'EventSource',
          'HTMLElement',
          'HTMLButtonElement',
          'HTMLDetailsElement',
          'HTMLFormElement',
          'HTMLInputElement',
          'MessageEvent',
          'Event',
          'EventListener',
          'crypto',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({
          property,
          message: 'the console never parses HTML: build elements with h() from dom.ts',
        })),
        ...['write', 'writeln'].map((property) => ({
          object: 'document',
          property,
          message: 'the console never parses HTML: build elements with h() from dom.ts',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='createContextualFragment']",
          message: 'no HTML parsing',
        },
      ],
    },
  },
);
