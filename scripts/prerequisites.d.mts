// Types for scripts/prerequisites.mjs, which tests and e2e support import.
export interface Missing {
  command: string
  package: string
  neededFor: string
}
export type Plan =
  | { action: 'none' }
  | { action: 'install'; packages: string[]; prefix: string[] }
  | { action: 'stop'; packages: string[]; message: string }

export const REQUIREMENTS: readonly {
  commands: string[]
  package: string
  neededFor: string
  rootOnly: boolean
}[]
export function findOnPath(command: string, pathList: string | undefined): string | null
export function findChromium(env?: NodeJS.ProcessEnv): string | null
export function missingPrerequisites(options?: { env?: NodeJS.ProcessEnv; isRoot?: boolean }): Missing[]
export function planPrerequisites(
  missing: Missing[],
  options: { env?: NodeJS.ProcessEnv; isRoot: boolean; canSudo: () => boolean },
): Plan
export function stopMessage(
  missing: Missing[],
  options: { env?: NodeJS.ProcessEnv; hasAptGet: boolean; isRoot: boolean },
): string
export function sudoWithoutPassword(env?: NodeJS.ProcessEnv): boolean
export function ensurePrerequisites(options?: {
  env?: NodeJS.ProcessEnv
  isRoot?: boolean
  canSudo?: () => boolean
  run?: (argv: string[]) => number | null
  log?: (line: string) => void
}): string | null
