// ESLint flat config. The layering rules of docs/architecture.md are enforced here:
// renderer never imports app/, app/ never imports electron, shared/ imports neither; inside app/ the
// subsystems depend in one direction only (APP_LAYERS), each through its face, with no cycles.
import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import tseslint from 'typescript-eslint'

const layer = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
})

/**
 * The subsystems of app/, lowest first: app/stoq and app/consensus; then app/assets, app/caesar, app/jobs
 * and app/trustchain; then app/node, the composition root. A subsystem imports only from lower layers, and only their face
 * (index.ts); never from its own layer or above. Test files may reach further (they build subsystems
 * from real parts), so the order applies to product code.
 */
const APP_LAYERS = [['stoq', 'consensus'], ['assets', 'caesar', 'jobs', 'trustchain'], ['node']]

function appLayerZones() {
  const zones = []
  APP_LAYERS.forEach((layer, rank) => {
    for (const subsystem of layer) {
      const target = `./app/${subsystem}`
      APP_LAYERS.forEach((other, otherRank) => {
        for (const dependency of other) {
          if (dependency === subsystem) continue
          const from = `./app/${dependency}`
          if (otherRank >= rank)
            zones.push({
              target,
              from,
              message: `app/${subsystem} may not import app/${dependency}: ${otherRank === rank ? 'they are one layer' : 'it is a higher layer'} (docs/architecture.md); declare a port and let app/node wire it`,
            })
          else
            zones.push({
              target,
              from,
              except: ['./index.ts'],
              message: `app/${subsystem} uses app/${dependency} through its face, app/${dependency}/index.ts`,
            })
        }
      })
    }
  })
  return zones
}

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
    files: ['app/**/*.ts'],
    ignores: ['app/**/*.test.ts', 'app/**/*.suite.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: appLayerZones() }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
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
