// What `npm test` needs besides npm packages, checked before anything else runs: Chromium for the browser
// e2e tests; as root, also iproute2 and iptables for the network-namespace tests (without root those
// tests cannot make namespaces and say so when they skip, so they need nothing here). A missing package is
// installed when it can be, as root or with password-less sudo, non-interactively with apt-get;
// otherwise `npm test` stops at once with the one command that fixes it.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Each tool the tests run: how to find it, the Debian package that has it, and what needs it. */
export const REQUIREMENTS = [
  {
    commands: ['chromium', 'chromium-browser'],
    package: 'chromium',
    neededFor: 'the browser e2e tests',
    rootOnly: false,
  },
  { commands: ['ip'], package: 'iproute2', neededFor: 'the network-namespace tests', rootOnly: true },
  { commands: ['tc'], package: 'iproute2', neededFor: 'the shaped-link tests', rootOnly: true },
  { commands: ['iptables'], package: 'iptables', neededFor: 'the NAT traversal tests', rootOnly: true },
  { commands: ['ip6tables'], package: 'iptables', neededFor: 'the Happy Eyeballs test', rootOnly: true },
]

/** The executable file `command` names on `pathList` (a PATH value), or null. */
export function findOnPath(command, pathList) {
  for (const dir of (pathList ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, command)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      /* not here */
    }
  }
  return null
}

/** The Chromium the e2e tests drive: HYPERMESH_CHROMIUM where set, else the first on PATH; null if none. */
export function findChromium(env = process.env) {
  if (env.HYPERMESH_CHROMIUM) return env.HYPERMESH_CHROMIUM
  for (const command of REQUIREMENTS[0].commands) {
    const found = findOnPath(command, env.PATH)
    if (found != null) return found
  }
  return null
}

/** What the tests need that this machine lacks: [{ command, package, neededFor }]. */
export function missingPrerequisites({ env = process.env, isRoot = process.getuid?.() === 0 } = {}) {
  const missing = []
  for (const requirement of REQUIREMENTS) {
    if (requirement.rootOnly && !isRoot) continue
    const found =
      requirement.package === 'chromium'
        ? isExecutable(findChromium(env))
        : requirement.commands.some((c) => findOnPath(c, env.PATH) != null)
    if (!found)
      missing.push({
        command: requirement.commands[0],
        package: requirement.package,
        neededFor: requirement.neededFor,
      })
  }
  return missing
}

function isExecutable(path) {
  if (path == null) return false
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

const packagesOf = (missing) => [...new Set(missing.map((m) => m.package))]

/**
 * What to do about `missing`: nothing; install with apt-get (as root, or through password-less sudo); or
 * stop with one command for the person to run. `canSudo` says whether `sudo -n` works here.
 */
export function planPrerequisites(missing, { env = process.env, isRoot, canSudo }) {
  if (missing.length === 0) return { action: 'none' }
  const packages = packagesOf(missing)
  const hasAptGet = findOnPath('apt-get', env.PATH) != null
  const stop = { action: 'stop', packages, message: stopMessage(missing, { env, hasAptGet, isRoot }) }
  // A Chromium named by hand that is not there is a mistake to fix, not a package to install.
  if (env.HYPERMESH_CHROMIUM && packages.includes('chromium')) return stop
  if (hasAptGet && isRoot) return { action: 'install', packages, prefix: [] }
  if (hasAptGet && canSudo())
    return { action: 'install', packages, prefix: ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive'] }
  return stop
}

/** Why the tests cannot run, and the one command that fixes it. */
export function stopMessage(missing, { env = process.env, hasAptGet, isRoot }) {
  const lines = [`npm test needs what this machine lacks:`]
  for (const m of missing) lines.push(`  - ${m.command} (${m.package}), for ${m.neededFor}`)
  const packages = packagesOf(missing).join(' ')
  if (env.HYPERMESH_CHROMIUM && packages.includes('chromium')) {
    lines.push(`HYPERMESH_CHROMIUM is ${env.HYPERMESH_CHROMIUM}, which is not an executable file. Run:`)
    lines.push('  HYPERMESH_CHROMIUM=/path/to/chromium npm test')
  } else if (hasAptGet) {
    lines.push('Install it with this command, then run npm test again:')
    lines.push(`  ${isRoot ? '' : 'sudo '}apt-get install -y ${packages}`)
  } else if (missing.every((m) => m.package === 'chromium')) {
    lines.push('Install Chromium with your system’s package manager, then run npm test again with its path:')
    lines.push('  HYPERMESH_CHROMIUM=/path/to/chromium npm test')
  } else {
    lines.push('There is no apt-get here: install these packages with your system’s package manager')
    lines.push(`(${packages}), then run npm test again.`)
  }
  return lines.join('\n')
}

/** Whether `sudo -n true` succeeds: sudo without a password prompt. */
export function sudoWithoutPassword(env = process.env) {
  if (findOnPath('sudo', env.PATH) == null) return false
  return spawnSync('sudo', ['-n', 'true'], { env, stdio: 'ignore' }).status === 0
}

/**
 * Checks, installs what it can, and checks again. Returns null when the tests can run, or the message to
 * stop with. `run(argv)` runs one command and returns its exit status (a stand-in in tests).
 */
export function ensurePrerequisites({
  env = process.env,
  isRoot = process.getuid?.() === 0,
  canSudo = () => sudoWithoutPassword(env),
  run = (argv) =>
    spawnSync(argv[0], argv.slice(1), {
      env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'inherit',
    }).status,
  log = (line) => console.log(line),
} = {}) {
  const missing = missingPrerequisites({ env, isRoot })
  const plan = planPrerequisites(missing, { env, isRoot, canSudo })
  if (plan.action === 'none') return null
  if (plan.action === 'stop') return plan.message
  log(`Installing what the tests need: ${plan.packages.join(' ')} (apt-get, non-interactive)`)
  const update = run([...plan.prefix, 'apt-get', 'update', '-qq'])
  const install =
    update === 0 ? run([...plan.prefix, 'apt-get', 'install', '-y', '-qq', ...plan.packages]) : update
  const still = missingPrerequisites({ env, isRoot })
  if (install === 0 && still.length === 0) return null
  const why = install === 0 ? 'apt-get ran, but some are still missing' : `apt-get exited with ${install}`
  return `${why}.\n${stopMessage(still.length > 0 ? still : missing, { env, hasAptGet: true, isRoot })}`
}
