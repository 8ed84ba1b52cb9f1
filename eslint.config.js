import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
          patterns: [
            {
              regex: '^zod($|/)',
              message:
                "Import the project's schema module (shared/platform/zod.ts: zod/mini with English messages), not zod itself: classic zod adds about 60 KB and a slower cold start to every Lambda bundle.",
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
  prettier,
);
