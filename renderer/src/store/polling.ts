/**
 * Polling that stops while the page is hidden. A dashboard left in a background tab or a minimised window
 * must not keep the node and the CPU busy; it catches up at once when it is shown again.
 */
export interface VisibilitySource {
  isHidden(): boolean
  subscribe(onChange: () => void): () => void
}

export interface PollTask {
  everyMs: number
  run(): Promise<unknown> | void
}

/** The page's visibility (document.hidden); always visible where there is no document (tests, workers). */
export function documentVisibility(): VisibilitySource {
  if (typeof document === 'undefined') return alwaysVisible
  return {
    isHidden: () => document.hidden,
    subscribe: (onChange) => {
      document.addEventListener('visibilitychange', onChange)
      return () => document.removeEventListener('visibilitychange', onChange)
    },
  }
}

export const alwaysVisible: VisibilitySource = { isHidden: () => false, subscribe: () => () => {} }

/**
 * Run each task now and then every `everyMs` after its previous run finished (runs never overlap),
 * only while visible. Returns a function that stops everything.
 */
export function startPolling(tasks: readonly PollTask[], visibility: VisibilitySource): () => void {
  let generation = 0
  let running = false
  const timers = new Set<ReturnType<typeof setTimeout>>()

  const tick = async (task: PollTask, gen: number): Promise<void> => {
    try {
      await task.run()
    } catch {
      // a task reports its own failures; polling goes on
    }
    if (gen !== generation) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      void tick(task, gen)
    }, task.everyMs)
    timers.add(timer)
  }

  const resume = (): void => {
    if (running) return
    running = true
    const gen = ++generation
    for (const task of tasks) void tick(task, gen)
  }

  const pause = (): void => {
    running = false
    generation++
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
  }

  if (!visibility.isHidden()) resume()
  const unsubscribe = visibility.subscribe(() => (visibility.isHidden() ? pause() : resume()))
  return () => {
    unsubscribe()
    pause()
  }
}
