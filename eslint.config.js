// Lint: ESLint's and typescript-eslint's recommended rules, plus the project's own bans.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules', 'drizzle', 'data', 'dist', '.cache', '.wrangler', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Security-relevant randomness must come from Web Crypto (SECURITY.md A1).
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
    // must hold together go through the atomic-write port, one batch on D1 (SECURITY.md I5).
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
    files: ['src/core/**', 'src/db/**', 'src/services/**', 'src/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: 'Shared code must run on Workers too: no node:* imports.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'Use Uint8Array.' },
        { name: 'process', message: 'Read configuration in src/runtime/*/config.ts only.' },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
