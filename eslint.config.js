// Type-aware lint. Import rules keep the architecture's dependency direction:
// protocol <- core <- stage/audience/control <- app; web -> protocol only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrict = (patterns) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: patterns.map((group) => ({
        group: [group],
        message: 'breaks the layer rule in docs/architecture.md',
      })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'web/dist/**',
      'data/**',
      'coverage/**',
      'load-reports/**',
      '.tmp*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'use an `as const` object instead of enum' },
      ],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: restrict([
      '**/core/**',
      '**/stage/**',
      '**/audience/**',
      '**/control/**',
      '**/adapters/**',
      '**/app/**',
      'node:*',
      '!./*',
    ]),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict([
      '**/stage/**',
      '**/audience/**',
      '**/control/**',
      '**/adapters/**',
      '**/app/**',
      'ws',
      'fastify',
      'ioredis',
      'pg',
      'better-sqlite3',
      'werift',
    ]),
  },
  {
    files: [
      'src/stage/**/*.ts',
      'src/audience/**/*.ts',
      'src/control/**/*.ts',
      'src/recording/**/*.ts',
      'src/captions/**/*.ts',
    ],
    rules: restrict(['**/adapters/**', '**/app/**']),
  },
  {
    // integrations (webhooks): core, protocol and control's ports only; the app wires them
    files: ['src/integrations/**/*.ts'],
    rules: restrict(['**/adapters/**', '**/app/**', '**/stage/**', '**/audience/**', '**/cluster/**']),
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: restrict(['**/stage/**', '**/audience/**', '**/control/**', '**/app/**']),
  },
  {
    files: ['web/src/**/*.ts'],
    // web's own folders (web/src/app, web/src/stage) share names with server layers: match src/<layer>
    rules: restrict([
      '**/src/core/**',
      '**/src/stage/**',
      '**/src/audience/**',
      '**/src/control/**',
      '**/src/adapters/**',
      '**/src/app/**',
      'node:*',
    ]),
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      // tests read untyped JSON off the wire on purpose
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['*.js', 'bin/*.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['*.js', 'bin/*.js', 'scripts/*.mjs'], languageOptions: { globals: globals.node } },
);
