// ESLint flat config. The layering rules of docs/architecture.md are enforced here:
// renderer never imports app/, app/ never imports electron, shared/ imports neither.
import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const layer = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
})

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['app/**/*.ts'],
    rules: layer('app/ is the node engine: it must not depend on electron or the UI layers.', [
      'electron',
      '**/main/**',
      '**/preload/**',
      '**/renderer/**',
    ]),
  },
  {
    files: ['shared/**/*.ts'],
    rules: layer('shared/ is the API contract: it depends on nothing of ours.', [
      'electron',
      '**/app/**',
      '**/main/**',
      '**/preload/**',
      '**/renderer/**',
      'node:*',
    ]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...layer('renderer/ talks to the node only through the API contract in shared/.', [
        'electron',
        '**/app/**',
        '**/main/**',
        '**/preload/**',
        'node:*',
      ]),
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: layer('preload/ exposes the shared contract and nothing else.', ['**/app/**', '**/renderer/**']),
  },
)
