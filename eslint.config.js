// Type-aware lint. Import rules keep the architecture's dependency direction (FORBIDDEN below);
// web -> protocol only. Import cycles between files are caught by dependency-cruiser
// (.dependency-cruiser.cjs, `npm run lint:cycles`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * What each folder of src/ may NOT import (docs/architecture.md draws it):
 *   protocol <- core <- stage / audience / control / recording / captions / integrations <- runtime <- cluster <- app
 * adapters implement core's ports (app picks them); load is the `rostra load` tool (protocol,
 * core and the audience formats); cli holds argument parsing shared by `rostra start` and
 * `rostra load` and imports nothing of ours. Tests and test/helpers may reach anything.
 */
const SERVER_LAYERS = [
  'protocol',
  'core',
  'stage',
  'audience',
  'control',
  'recording',
  'captions',
  'integrations',
  'runtime',
  'cluster',
  'adapters',
  'load',
  'cli',
  'app',
];
const except = (...keep) => SERVER_LAYERS.filter((l) => !keep.includes(l));
const FORBIDDEN = {
  protocol: except('protocol'),
  core: except('protocol', 'core'),
  planes: ['runtime', 'cluster', 'adapters', 'load', 'cli', 'app'],
  runtime: ['cluster', 'adapters', 'load', 'cli', 'app'],
  cluster: ['adapters', 'load', 'cli', 'app'],
  adapters: except('protocol', 'core', 'adapters'),
  load: except('protocol', 'core', 'audience', 'load', 'cli'),
  cli: except('cli'),
};
// tests and their support code (src/<layer>/testing/) wire real adapters and helpers on purpose
const TESTS = ['**/*.test.ts', 'src/**/testing/**'];
const above = (layer) => FORBIDDEN[layer].map((l) => `**/${l}/**`);

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
        projectService: { allowDefaultProject: ['*.js', '*.cjs', 'bin/*.js', 'scripts/*.mjs'] },
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
    ignores: TESTS,
    rules: restrict([...above('protocol'), 'node:*', '!./*']),
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: TESTS,
    rules: restrict([...above('core'), 'ws', 'fastify', 'ioredis', 'pg', 'better-sqlite3', 'werift']),
  },
  {
    files: [
      'src/stage/**/*.ts',
      'src/audience/**/*.ts',
      'src/control/**/*.ts',
      'src/recording/**/*.ts',
      'src/captions/**/*.ts',
    ],
    ignores: TESTS,
    rules: restrict(above('planes')),
  },
  {
    // integrations (webhooks): core, protocol and control's ports only; the app wires them
    files: ['src/integrations/**/*.ts'],
    ignores: TESTS,
    rules: restrict([...above('planes'), '**/stage/**', '**/audience/**']),
  },
  { files: ['src/runtime/**/*.ts'], ignores: TESTS, rules: restrict(above('runtime')) },
  { files: ['src/cluster/**/*.ts'], ignores: TESTS, rules: restrict(above('cluster')) },
  { files: ['src/adapters/**/*.ts'], ignores: TESTS, rules: restrict(above('adapters')) },
  { files: ['src/load/**/*.ts'], ignores: TESTS, rules: restrict(above('load')) },
  { files: ['src/cli/**/*.ts'], ignores: TESTS, rules: restrict(above('cli')) },
  {
    files: ['web/src/**/*.ts'],
    // web's own folders (web/src/app, web/src/stage) share names with server layers: match src/<layer>
    ignores: TESTS,
    rules: restrict([
      ...SERVER_LAYERS.filter((l) => l !== 'protocol').map((l) => `**/src/${l}/**`),
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
  { files: ['*.js', '*.cjs', 'bin/*.js', 'scripts/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['*.js', 'bin/*.js', 'scripts/*.mjs'], languageOptions: { globals: globals.node } },
  { files: ['*.cjs'], languageOptions: { sourceType: 'commonjs', globals: globals.node } },
);
