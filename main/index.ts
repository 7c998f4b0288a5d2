/**
 * The Electron main process: owns the node's lifecycle and the desktop shell around it (window, tray, menu,
 * dialogs, IPC). No business logic lives here; everything the UI does goes through the node's API.
 *
 * Order: the app's scheme registered → single-instance lock → ready → the UI served on the scheme → node
 * created and started → IPC → window and tray.
 * Quit: before-quit stops the node once (bounded by a timeout), then the app quits for real.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { app, dialog, powerMonitor, safeStorage, session, type BrowserWindow, type Tray } from 'electron'
import { createJobEngine } from '../app/jobs'
import { createHyperMeshNode, logFilePath, type HyperMeshNode } from '../app/node'
import { registerAppScheme, serveApp } from './app-protocol'
import { APP_URL } from './app-url'
import { dataDirFromArgv } from './args'
import { showCriticalError, showRecoverableError } from './dialogs'
import { createGpuHostWindow } from './gpu-window'
import { registerIpc } from './ipc'
import { createOsKeychainProtector } from './key-protector'
import { installAppMenu } from './menu'
import { jobSandboxPaths, PRELOAD_PATH, RENDERER_DIR } from './paths'
import { createTray } from './tray'
import {
  CONTENT_SECURITY_POLICY,
  createMainWindow,
  guardAllWebContents,
  hardenSession,
  showWindow,
} from './window'

const APP_NAME = 'HyperMesh'
/** How long quitting waits for the node to stop cleanly before giving up on it. */
const STOP_TIMEOUT_MS = 10_000

const log = {
  info: (message: string): void => console.log(`[hypermesh] ${message}`),
  warn: (message: string): void => console.warn(`[hypermesh] ${message}`),
}

function chooseDataDir(): string {
  // Explicit userData, so that the data dir never depends on package.json's name; --data-dir wins. Set before
  // the single-instance lock, which is per userData: two data dirs can run side by side, one dir only once.
  const dataDir = dataDirFromArgv(process.argv) ?? join(app.getPath('appData'), APP_NAME)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  app.setPath('userData', dataDir)
  return dataDir
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function main(): void {
  app.setName(APP_NAME)
  // Before 'ready', or the scheme gets no origin and no secure context.
  registerAppScheme()
  let dataDir: string
  try {
    dataDir = chooseDataDir()
  } catch (err) {
    dialog.showErrorBox('HyperMesh cannot start', (err as Error).message)
    app.exit(2)
    return
  }
  if (!app.requestSingleInstanceLock()) {
    // The first instance gets 'second-instance' and shows its window.
    app.exit(0)
    return
  }

  const logFile = logFilePath(dataDir)
  const appUrl = APP_URL
  let node: HyperMeshNode | null = null
  let startup: Promise<void> | null = null
  let window: BrowserWindow | null = null
  let tray: Tray | null = null
  let disposeIpc: (() => void) | null = null
  let quitting = false
  let shutdown: Promise<void> | null = null
  let shutdownDone = false

  const show = (): void => {
    if (window != null) showWindow(window)
  }

  async function start(): Promise<void> {
    installAppMenu()
    guardAllWebContents(appUrl)
    hardenSession(session.defaultSession)
    serveApp(session.defaultSession, RENDERER_DIR, CONTENT_SECURITY_POLICY)

    const keyProtector = await createOsKeychainProtector(safeStorage, process.platform, log)
    const created: HyperMeshNode = await createHyperMeshNode({
      dataDir,
      mode: 'desktop',
      keyProtector: keyProtector ?? undefined,
      logToConsole: !app.isPackaged,
      // Seconds since the last keyboard or mouse input, for the "only when idle" sharing terms.
      idleSeconds: () => powerMonitor.getSystemIdleTime(),
      // Jobs run in sandbox processes of the Node.js shipped with the app (main/paths.ts).
      jobEngine: (log) => createJobEngine(log, jobSandboxPaths()),
    })
    node = created
    await created.start()
    log.info(`node ${created.peerId} started; data dir ${dataDir}`)
    if (quitting) return

    disposeIpc = registerIpc({ dispatcher: created.api, appUrl, getWindow: () => window })
    tray = createTray({ show, quit: () => app.quit() })
    // With a tray, closing the window hides it; without one, closing it quits (nothing could bring it back).
    window = createMainWindow({
      appUrl,
      preloadPath: PRELOAD_PATH,
      hideOnClose: () => tray != null && !quitting,
    })
    // GPU jobs run in a hidden window with Chromium's WebGPU; it goes when the main window does.
    const gpuWindow = createGpuHostWindow({ appUrl, preloadPath: PRELOAD_PATH })
    window.on('closed', () => {
      if (!gpuWindow.isDestroyed()) gpuWindow.destroy()
    })
  }

  async function stopNode(): Promise<void> {
    await startup?.catch(() => {}) // quitting during startup: let it finish, then stop what it started
    disposeIpc?.()
    if (node == null) return
    try {
      await withTimeout(node.stop(), STOP_TIMEOUT_MS, 'stopping the node')
      log.info('node stopped')
    } catch (err) {
      console.error('[hypermesh] the node did not stop cleanly:', err)
    }
  }

  app.on('second-instance', show)
  app.on('activate', show) // macOS: the dock icon was clicked
  app.on('window-all-closed', () => app.quit())

  app.on('before-quit', (event) => {
    quitting = true
    if (shutdownDone) return
    event.preventDefault()
    if (shutdown != null) return // already stopping: one stop, whatever asks to quit again
    shutdown = stopNode().finally(() => {
      shutdownDone = true
      tray?.destroy()
      app.quit()
    })
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

  process.on('uncaughtException', (err) => {
    if (startup == null || quitting) {
      console.error('[hypermesh] uncaught exception:', err)
      return
    }
    showRecoverableError(window, 'Something went wrong in HyperMesh', err, logFile)
  })
  process.on('unhandledRejection', (reason) => console.error('[hypermesh] unhandled rejection:', reason))

  void app.whenReady().then(() => {
    startup = start()
    startup.catch((err: unknown) => {
      showCriticalError('HyperMesh could not start', err, logFile)
      app.quit()
    })
  })
}

main()
