// Layer boundaries from ARCHITECTURE.md are enforced here, not by convention.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const nodeBuiltins = require('node:module').builtinModules.flatMap((m) => [m, `node:${m}`]);

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.data/',
      '.tools/',
      'coverage/',
      'web/dist/',
      'bench/**/out/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // x12/ is a pure library: nothing of the app, no I/O packages.
    files: ['x12/**/*.ts'],
    ignores: ['x12/**/*.spec.ts', 'x12/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '../db/*',
            '../workflows/*',
            '../activities/*',
            '../api/*',
            '../ops/*',
            'pg',
            'kysely',
            '@temporalio/*',
            '@nestjs/*',
          ],
        },
      ],
    },
  },
  {
    // Workflows are deterministic: no Node built-ins, no I/O, activities as types only.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins,
          patterns: [
            {
              group: [
                '../db/*',
                '../api/*',
                '../ops/*',
                'pg',
                'kysely',
                '@nestjs/*',
                '@temporalio/client',
                '@temporalio/worker',
                '@anthropic-ai/*',
              ],
              message: 'workflows import only contracts, @temporalio/workflow and activity types',
            },
            {
              group: ['../activities/*'],
              message: 'import activities with `import type` only',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Only db/ writes SQL: activities and api reach data through db/ repositories.
    files: ['activities/**/*.ts', 'api/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'pg', message: 'reach data through db/' }] },
      ],
    },
  },
  {
    // web/ is browser code: it talks to the API over HTTP only, never to the server's layers.
    files: ['web/**/*.ts', 'web/**/*.tsx', 'web/**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'web code runs in the browser' })),
          patterns: [
            {
              group: [
                '**/db/**',
                '**/activities/**',
                '**/workflows/**',
                '**/ops/**',
                '**/api/**',
                '**/test/**',
                'pg',
                'kysely',
                '@temporalio/*',
                '@nestjs/*',
                '@anthropic-ai/*',
              ],
              message: 'web code reaches the server only through its HTTP API (web/src/http)',
            },
          ],
        },
      ],
    },
  },
  {
    // The build config runs in Node, not in the browser.
    files: ['web/vite.config.mts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['ops/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },
);
