/**
 * npm test checks what the tests need from the system before anything else. Here on a stand-in PATH (a
 * folder of stand-in commands) that lacks Chromium and iptables: the decision (install, or stop with one
 * command) and its message, and an install by a stand-in apt-get, since a real one cannot be undone here.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ensurePrerequisites,
  findChromium,
  missingPrerequisites,
  planPrerequisites,
} from './prerequisites.mjs'

let bin: string
beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'hm-prereq-'))
})
afterEach(() => rmSync(bin, { recursive: true, force: true }))

/** A stand-in command: a Node script (absolute shebang, so it needs nothing on the stand-in PATH). */
function command(name: string, body = 'process.exit(0)'): void {
  const path = join(bin, name)
  writeFileSync(path, `#!${process.execPath}\n${body}\n`)
  chmodSync(path, 0o755)
}
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: bin, ...extra })
const never = (): boolean => false

describe('what npm test needs from the system', () => {
  it('finds Chromium and iptables missing from a PATH that lacks them; namespace tools only as root', () => {
    command('ip')
    command('tc')
    expect(missingPrerequisites({ env: env(), isRoot: true }).map((m) => m.command)).toEqual([
      'chromium',
      'iptables',
      'ip6tables',
    ])
    // Without root the namespace tests skip (and say why), so they need nothing.
    expect(missingPrerequisites({ env: env(), isRoot: false }).map((m) => m.command)).toEqual(['chromium'])
    command('chromium')
    command('iptables')
    command('ip6tables')
    expect(missingPrerequisites({ env: env(), isRoot: true })).toEqual([])
    expect(findChromium(env())).toBe(join(bin, 'chromium'))
  })

  it('as root with apt-get: installs the missing packages', () => {
    command('apt-get')
    command('ip')
    command('tc')
    const missing = missingPrerequisites({ env: env(), isRoot: true })
    expect(planPrerequisites(missing, { env: env(), isRoot: true, canSudo: never })).toEqual({
      action: 'install',
      packages: ['chromium', 'iptables'],
      prefix: [],
    })
  })

  it('without root: installs through sudo only when sudo needs no password, else stops with the command', () => {
    command('apt-get')
    const missing = missingPrerequisites({ env: env(), isRoot: false })
    expect(planPrerequisites(missing, { env: env(), isRoot: false, canSudo: () => true })).toEqual({
      action: 'install',
      packages: ['chromium'],
      prefix: ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'],
    })
    const plan = planPrerequisites(missing, { env: env(), isRoot: false, canSudo: never })
    expect(plan.action).toBe('stop')
    if (plan.action === 'stop') {
      expect(plan.message).toMatch(/chromium \(chromium\), for the browser e2e tests/)
      expect(plan.message.trim().split('\n').at(-1)).toBe('  sudo apt-get install -y chromium')
    }
  })

  it('without apt-get: stops, naming what to install and how to point the tests at Chromium', () => {
    const missing = missingPrerequisites({ env: env(), isRoot: false })
    const plan = planPrerequisites(missing, { env: env(), isRoot: true, canSudo: () => true })
    expect(plan.action).toBe('stop')
    if (plan.action === 'stop')
      expect(plan.message.trim().split('\n').at(-1)).toBe('  HYPERMESH_CHROMIUM=/path/to/chromium npm test')
  })

  it('a HYPERMESH_CHROMIUM that is not there is reported, not papered over by an install', () => {
    command('apt-get')
    const named = env({ HYPERMESH_CHROMIUM: join(bin, 'no-such-chromium') })
    const missing = missingPrerequisites({ env: named, isRoot: false })
    const plan = planPrerequisites(missing, { env: named, isRoot: true, canSudo: never })
    expect(plan.action).toBe('stop')
    if (plan.action === 'stop') expect(plan.message).toMatch(/HYPERMESH_CHROMIUM is .*not an executable file/)
  })

  it('installs with apt-get non-interactively, then checks again', () => {
    const calls = join(bin, 'calls.log')
    // apt-get install puts the commands of the packages it is given on the stand-in PATH.
    command(
      'apt-get',
      `const fs = require('node:fs')
fs.appendFileSync(${JSON.stringify(calls)}, process.argv.slice(2).join(' ') + ' ' + process.env.DEBIAN_FRONTEND + '\\n')
const provides = { chromium: ['chromium'], iptables: ['iptables', 'ip6tables'], iproute2: ['ip', 'tc'] }
if (process.argv[2] === 'install')
  for (const pkg of process.argv.slice(3).filter((a) => !a.startsWith('-')))
    for (const c of provides[pkg] ?? []) fs.writeFileSync(${JSON.stringify(bin)} + '/' + c, '#!/bin/sh\\n', { mode: 0o755 })`,
    )
    const logged: string[] = []
    expect(ensurePrerequisites({ env: env(), isRoot: true, log: (l) => logged.push(l) })).toBeNull()
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'update -qq noninteractive',
      'install -y -qq chromium iproute2 iptables noninteractive',
    ])
    expect(logged.join('\n')).toMatch(/Installing what the tests need: chromium iproute2 iptables/)
    expect(existsSync(join(bin, 'ip6tables'))).toBe(true)
  })

  it('an install that fails stops with the reason and the command', () => {
    command('apt-get', 'process.exit(100)')
    const unmet = ensurePrerequisites({ env: env(), isRoot: true, log: () => {} })
    expect(unmet).toMatch(/^apt-get exited with 100\./)
    expect(unmet?.trim().split('\n').at(-1)).toBe('  apt-get install -y chromium iproute2 iptables')
  })

  it('npm test stops at once, before the build, with the command and a closing line', () => {
    // No apt-get and no Chromium on PATH; as root here, iproute2 and iptables are missing too.
    const run = spawnSync(process.execPath, ['scripts/test.mjs'], {
      cwd: join(import.meta.dirname, '..'),
      env: { PATH: bin, HOME: bin },
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/npm test needs what this machine lacks:\n {2}- chromium/)
    expect(run.stdout).not.toMatch(/▶ build/)
    expect(run.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed, 0 skipped')
  })
})
