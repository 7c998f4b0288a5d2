/**
 * The packaged app's Electron fuses (electron-builder.yml, `electronFuses`), and that nothing the app
 * runs needs what they turn off: the Electron binary cannot be packaged or started here, so what can be
 * checked without it is checked here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')

/** The `key: value` lines of one top-level section of electron-builder.yml (flat sections only). */
function section(name: string): Record<string, string> {
  const lines = readFileSync(join(root, 'electron-builder.yml'), 'utf8').split('\n')
  const start = lines.findIndex((line) => line === `${name}:`)
  if (start < 0) return {}
  const out: Record<string, string> = {}
  for (const line of lines.slice(start + 1)) {
    const match = /^ {2}([A-Za-z]+): *(.*)$/.exec(line)
    if (match == null) break
    out[match[1]!] = match[2]!.trim()
  }
  return out
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return sources(path)
    return /\.(ts|tsx|mjs|js)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

describe('the packaged app', () => {
  it('ships the Node.js that runs jobs and unpacks the sandbox runner and every package it loads', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8')
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      optionalDependencies: Record<string, string>
    }
    const shipped = [...yml.matchAll(/from: node_modules\/(node-[a-z]+)-(\$\{arch\}|x64)\/bin\/node/g)]
    expect(shipped.map((m) => m[1]).sort()).toEqual(['node-darwin', 'node-linux', 'node-win'])
    // Each comes from a package npm installs on that platform (x64 builds; arm64 where one is listed).
    for (const [, name] of shipped) expect(Object.keys(pkg.optionalDependencies)).toContain(`${name}-x64`)
    // What tests and benchmarks build into dist/ stays out of the app.
    expect(yml).toMatch(/^ {2}- '!dist\/test-daemon\/\*\*'$/m)
    expect(yml).toMatch(/^ {2}- '!dist\/bench\/\*\*'$/m)
    const unpacked = [...yml.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1])
    expect(unpacked).toContain('dist/jobs-runner/**')
    // What the runner bundle leaves external (scripts/build.mjs) must be readable outside app.asar.
    const build = readFileSync(join(root, 'scripts', 'build.mjs'), 'utf8')
    const externals = /external: \[([^\]]*)\], *\n *entryPoints: \{ runner:/.exec(build)
    expect(externals, 'the runner build names its externals').not.toBeNull()
    for (const name of externals![1]!.split(',').map((e) => e.trim().replace(/'/g, '')))
      expect(unpacked).toContain(`node_modules/${name.replace('/*', '')}/**`)
  })

  it('is packaged into app.asar with the fuses that close Node, NODE_OPTIONS, --inspect and a changed asar', () => {
    const top = readFileSync(join(root, 'electron-builder.yml'), 'utf8')
    expect(top).toMatch(/^asar: true$/m)
    expect(section('electronFuses')).toEqual({
      runAsNode: 'false',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      enableEmbeddedAsarIntegrityValidation: 'true',
      onlyLoadAppFromAsar: 'true',
      enableCookieEncryption: 'true',
      grantFileProtocolExtraPrivileges: 'false',
    })
  })

  it('runs nothing that those fuses close: no Electron-as-Node child, no NODE_OPTIONS, no inspector', () => {
    // The chaos testnet (npm run testnet -- --chaos) starts daemons with `node`; it is its own entry point
    // (app/node/testnet.ts), which nothing the desktop app bundles imports (checked below).
    const onlyInTestnet = (path: string) => path.startsWith(join('app', 'node', 'chaos'))
    // Job sandboxes are processes of a Node binary: the daemon's own, or the one shipped with the desktop
    // app; the one file that names it returns no binary inside Electron unless it is given one.
    const nodeBinaryOfDaemon = (path: string) => path === join('app', 'jobs', 'sandbox', 'node-binary.ts')
    const offenders = [...sources('app'), ...sources('main')].filter(
      (path) => !onlyInTestnet(path) && !nodeBinaryOfDaemon(path),
    )
    const importers = offenders.filter((path) =>
      /from '[./]*(chaos|testnet)[/']/.test(readFileSync(join(root, path), 'utf8')),
    )
    expect(importers).toEqual([join('app', 'node', 'testnet.ts')])
    const found = offenders.flatMap((path) => {
      const text = readFileSync(join(root, path), 'utf8')
      const found = [
        /ELECTRON_RUN_AS_NODE/,
        // In Electron, process.execPath is the Electron binary: a child of it would need RunAsNode.
        /process\.execPath/,
        // child_process.fork starts process.execPath.
        /\bfork\(/,
        /NODE_OPTIONS/,
        /--inspect/,
      ].filter((pattern) => pattern.test(text))
      return found.map((pattern) => `${relative(root, join(root, path))}: ${pattern.source}`)
    })
    expect(found).toEqual([])
  })
})
