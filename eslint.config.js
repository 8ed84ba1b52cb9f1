import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ZOD_ONLY_THROUGH_OUR_MODULE = {
  regex: '^zod($|/)',
  message:
    "Import the project's schema module (shared/platform/zod.ts: zod/mini with English messages), not zod itself: classic zod adds about 60 KB and a slower cold start to every Lambda bundle.",
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', '.bench/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [ZOD_ONLY_THROUGH_OUR_MODULE],
        },
      ],
    },
  },
  {
    // Use-cases and stores throw domain errors (shared/platform/errors.ts) and storage errors; only
    // the HTTP plumbing knows statuses.
    files: ['shared/**/*.ts'],
    ignores: ['shared/platform/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ZOD_ONLY_THROUGH_OUR_MODULE,
            {
              regex: 'platform/http/errors$',
              message: 'Throw the errors of shared/platform/errors.ts: statuses belong to the HTTP layer.',
            },
          ],
        },
      ],
    },
  },
  {
    // The one place that imports zod: it picks the mini build and configures it.
    files: ['shared/platform/zod.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The layers of the product code: entry files (functions, local, scripts, infra, bench) -> the
    // route table and its wiring (shared/app) -> areas (shared/<area>) -> the kernel's vocabulary ->
    // the platform. Nothing imports from a layer above it, and an area reaches another area (or the
    // kernel) only through that folder's index.ts. Tests may reach any file.
    files: [
      'functions/**/*.ts',
      'local/**/*.ts',
      'scripts/**/*.ts',
      'infra/**/*.ts',
      'bench/**/*.ts',
      'shared/**/*.ts',
    ],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/include': ['functions/**', 'local/**', 'scripts/**', 'infra/**', 'bench/**', 'shared/**'],
      'boundaries/elements': [
        { type: 'entry', pattern: ['functions', 'local', 'scripts', 'infra', 'bench'] },
        { type: 'app', pattern: 'shared/app' },
        { type: 'platform', pattern: 'shared/platform' },
        { type: 'kernel', pattern: 'shared/kernel' },
        { type: 'area', pattern: 'shared/*', capture: ['area'] },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            // Inside one folder, files import each other freely.
            { allow: { dependency: { relationship: { to: 'internal' } } } },
            {
              from: { element: { types: ['entry', 'app', 'area', 'kernel', 'platform'] } },
              allow: { to: { element: { type: 'platform' } } },
            },
            {
              from: { element: { types: ['entry', 'app', 'area'] } },
              allow: { to: { element: { types: ['area', 'kernel'], fileInternalPath: 'index.ts' } } },
            },
            { from: { element: { types: ['entry', 'app'] } }, allow: { to: { element: { type: 'app' } } } },
            { from: { element: { type: 'entry' } }, allow: { to: { element: { type: 'entry' } } } },
          ],
        },
      ],
      'boundaries/no-unknown-dependencies': 'error',
    },
  },
  prettier,
);
