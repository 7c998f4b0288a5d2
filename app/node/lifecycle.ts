/**
 * The node's services, started in a declared order and stopped in reverse. A start that fails part-way,
 * or is cancelled, stops everything it started, the failing service included (whose stop must undo
 * whatever part of its start ran), so that a retry starts from nothing.
 */
import type { Logger } from 'pino'

export interface NodeService {
  /** Said in logs and in start progress: "ledger", "assets". */
  readonly name: string
  start(): Promise<void> | void
  /** Undoes start, also a start that failed part-way; never throws for a service that is not running. */
  stop(): Promise<void> | void
}

export interface StartProgress {
  /** The service about to start. */
  service: string
  /** Its place in the order, from 0, and how many there are. */
  step: number
  steps: number
}

export interface StartOptions {
  /** Cancels the start: the services started so far are stopped and start() rejects with the reason. */
  signal?: AbortSignal
  /** Called before each service starts (for a progress display). */
  onProgress?(progress: StartProgress): void
}

/** Services that started, in order: stop() stops them in reverse. */
export class StartedServices {
  private stopping: Promise<void> | null = null

  constructor(
    private readonly services: readonly NodeService[],
    private readonly log: Logger,
  ) {}

  /** Stops every service in reverse order; one that fails to stop is logged and the rest still stop. */
  stop(): Promise<void> {
    this.stopping ??= stopInReverse(this.services, this.log)
    return this.stopping
  }
}

export async function startInOrder(
  services: readonly NodeService[],
  log: Logger,
  options: StartOptions = {},
): Promise<StartedServices> {
  const started: NodeService[] = []
  try {
    for (const [step, service] of services.entries()) {
      options.signal?.throwIfAborted()
      options.onProgress?.({ service: service.name, step, steps: services.length })
      options.signal?.throwIfAborted()
      // Counted before it starts: a service that fails half-way is stopped with the others.
      started.push(service)
      const at = performance.now()
      await service.start()
      log.debug({ service: service.name, ms: Math.round(performance.now() - at) }, 'service started')
    }
    options.signal?.throwIfAborted()
  } catch (err) {
    log.warn({ err, started: started.map((s) => s.name) }, 'start failed; stopping what had started')
    await stopInReverse(started, log)
    throw err
  }
  return new StartedServices(started, log)
}

async function stopInReverse(services: readonly NodeService[], log: Logger): Promise<void> {
  for (const service of [...services].reverse()) {
    try {
      await service.stop()
    } catch (err) {
      log.error({ err, service: service.name }, 'a service did not stop cleanly')
    }
  }
}
