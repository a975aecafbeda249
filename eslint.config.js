'use strict';
// Flat config: typescript-eslint's recommended rules for lib/, test/ and bench/ TypeScript,
// ESLint's recommended rules for the plain-JavaScript scripts (CommonJS, Node globals).
// Formatting is Prettier's (npm run format:check), not ESLint's.
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  {
    ignores: ['dist/', 'build/', 'prebuilds/', 'node_modules/', '.cache/', 'coverage/', 'lib/errors/*.generated.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // jest globals for the JavaScript the native suite loads (test/agent/harness.js)
    files: ['test/**/*.js'],
    languageOptions: { globals: { ...globals.jest } },
  },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    rules: {
      // require() stays where a module is loaded lazily (pkijs through ./signature, the
      // addon through node-gyp-build) or is plain JavaScript shared with a script.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['\\.js$', '^node-gyp-build$', '^\\./signature$', '^\\.\\./\\.\\./package/signature$', '^node:crypto$'] },
      ],
      // The reader and the CLI look for NUL and other control characters on purpose (no
      // string with a NUL reaches a Windows API; terminal output is escaped).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests load modules afresh (jest.isolateModules, a binding for one case) with require().
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
