// Lint: ESLint's and typescript-eslint's recommended rules, plus the project's own bans.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const NODE_BUILTINS = {
  group: ['node:*'],
  message: 'Shared code must run on Workers too: no node:* imports.',
}

/** A pattern matching relative imports of the named top-level folders of src/. */
function layers(folders, message) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message }
}

function restrictImports(files, patterns) {
  return { files: [files], rules: { 'no-restricted-imports': ['error', { patterns }] } }
}

export default tseslint.config(
  {
    ignores: [
      ...['node_modules', 'drizzle', 'data', 'dist', '.cache', '.wrangler', 'coverage'],
      ...['.stryker-tmp', 'reports'],
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Security-relevant randomness must come from Web Crypto (docs/security.md).
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use crypto.getRandomValues (src/core/random.ts).',
        },
      ],
    },
  },
  {
    files: ['src/**'],
    rules: {
      // Runtime-agnostic code uses Uint8Array and Web APIs; only src/runtime/node may use Node's.
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array.' }],
    },
  },
  {
    // D1 has no interactive transactions (drizzle's db.transaction() fails there): writes that
    // must hold together go through the atomic-write port, one batch on D1 (docs/architecture.md).
    files: ['src/**'],
    ignores: ['src/runtime/node/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='transaction'], CallExpression[callee.property.value='transaction']",
          message:
            'No .transaction() outside src/runtime/node: D1 has none. Use Database.writeAtomically.',
        },
      ],
    },
  },
  {
    files: ['src/core/**', 'src/db/**', 'src/services/**', 'src/http/**', 'src/ui/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'Use Uint8Array.' },
        { name: 'process', message: 'Read configuration in src/runtime/*/config.ts only.' },
      ],
    },
  },
  // Import boundaries: imports flow one way, runtime → http → services → core and db, and
  // http → ui. One block per folder, since a later no-restricted-imports replaces an earlier one.
  restrictImports('src/core/**', [
    NODE_BUILTINS,
    {
      group: ['hono', 'hono/*', '@hono/*', 'drizzle-orm', 'drizzle-orm/*'],
      message: 'src/core is pure rules on Web standards: no Hono, no drizzle.',
    },
    layers(['db', 'services', 'http', 'ui', 'runtime'], 'src/core imports only src/core.'),
  ]),
  restrictImports('src/db/**', [
    NODE_BUILTINS,
    layers(['services', 'http', 'ui', 'runtime'], 'src/db imports only src/core and src/db.'),
  ]),
  restrictImports('src/services/**', [
    NODE_BUILTINS,
    layers(['http', 'ui', 'runtime'], 'Use cases know no HTTP, UI or runtime: take deps instead.'),
  ]),
  restrictImports('src/http/**', [
    NODE_BUILTINS,
    layers(['runtime'], 'The app gets its runtime through deps; it never imports an adapter.'),
  ]),
  restrictImports('src/ui/**', [
    NODE_BUILTINS,
    layers(['db', 'services', 'runtime'], 'Pages get props: no database, use case or runtime.'),
  ]),
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // A close, a write or a send nobody awaits finishes after its caller moved on: a database
    // closed under a late write, a test folder removed while SQLite still writes into it.
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.workers.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
)
