/** What every benchmark records beside its figures: when, on what machine, and where the JSON goes. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

export function benchHeader(command: string) {
  return {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    command,
  }
}

/** Writes bench/results/<name>.json and says so. */
export function writeBenchResult(name: string, report: object): void {
  const dir = join(process.cwd(), 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(report, null, 2) + '\n')
  console.log(`wrote bench/results/${name}.json`)
}
