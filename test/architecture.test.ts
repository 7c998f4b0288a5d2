/**
 * The dependency order inside app/ (docs/architecture.md), checked on the import graph of the product
 * code, type-only imports included: ESLint refuses a wrong import as it is written; this test also
 * catches the cycles that only types close, which the lint lets through.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative, sep } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const LAYERS = [['stoq', 'consensus'], ['assets', 'caesar', 'jobs', 'trustchain'], ['node']]
const rankOf = (subsystem: string): number => LAYERS.findIndex((layer) => layer.includes(subsystem))
const isProduct = (file: string): boolean =>
  /\.tsx?$/.test(file) && !/\.(test|suite)\.tsx?$/.test(file) && !file.endsWith('.d.ts')

function productFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? productFiles(path) : isProduct(path) ? [normalize(path)] : []
  })
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  const base = join(dirname(from), specifier)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return normalize(candidate)
  return null
}

/** Every file of app/ and the files of app/ it imports (values, types and dynamic imports alike). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of productFiles('app')) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = importedFiles
      .map(({ fileName }) => resolveImport(file, fileName))
      .filter((t): t is string => t != null && t.startsWith(`app${sep}`))
    graph.set(file, targets)
  }
  return graph
}

const subsystemOf = (file: string): string => relative('app', file).split(sep)[0] ?? ''

/** Strongly connected components with more than one member (or a self-loop): the cycles. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (node: string): void => {
    indices.set(node, index)
    low.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!))
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component)
    }
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return cycles
}

describe('app/ depends in one direction, through faces, with no cycles', () => {
  const graph = importGraph()
  const subsystems = readdirSync('app').filter((name) => statSync(join('app', name)).isDirectory())

  it('every subsystem is placed in a layer and has a face (index.ts)', () => {
    expect(subsystems.filter((s) => rankOf(s) < 0)).toEqual([])
    expect(subsystems.filter((s) => !existsSync(join('app', s, 'index.ts')))).toEqual([])
  })

  it('no subsystem imports its own layer or a higher one, and a lower one only through its face', () => {
    const wrong: string[] = []
    for (const [file, targets] of graph)
      for (const target of targets) {
        const [from, to] = [subsystemOf(file), subsystemOf(target)]
        if (from === to) continue
        if (rankOf(to) >= rankOf(from)) wrong.push(`${file} -> ${target} (not a lower layer)`)
        else if (target !== join('app', to, 'index.ts')) wrong.push(`${file} -> ${target} (not the face)`)
      }
    expect(wrong).toEqual([])
  })

  it('has no cycle of files, type-only imports included', () => {
    expect(cyclesOf(graph)).toEqual([])
  })

  it('has no cycle of subsystems', () => {
    const folders = new Map<string, string[]>()
    for (const [file, targets] of graph) {
      const edges = folders.get(subsystemOf(file)) ?? []
      for (const target of targets)
        if (subsystemOf(target) !== subsystemOf(file)) edges.push(subsystemOf(target))
      folders.set(subsystemOf(file), edges)
    }
    expect(cyclesOf(folders)).toEqual([])
  })

  it('the check finds what it looks for: a made-up cycle and a made-up upward import', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ])
    expect(cyclesOf(cyclic).map((c) => c.sort())).toEqual([['a', 'b', 'c']])
    expect(rankOf('consensus')).toBeLessThan(rankOf('caesar'))
    expect(rankOf('caesar')).toBeLessThan(rankOf('node'))
  })
})
