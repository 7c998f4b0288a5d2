/**
 * The app window and the rules every web contents lives under: only the app's own page, a strict CSP, no
 * permissions, no pop-ups, no remote content. External http(s) links open in the OS browser.
 */
import { app, BrowserWindow, shell, type Session, type WebContents } from 'electron'
import { isAppUrl, isExternalWebUrl } from './app-url'
import { iconPath } from './paths'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Session-wide rules. Call once, after ready, before the window loads. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  // No remote content: the renderer talks to the node over IPC only; the node's own networking is in Node.js
  // and does not pass through this session.
  session.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (_d, callback) => callback({ cancel: true }),
  )
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    )
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

const openExternally = (url: string): void => {
  if (isExternalWebUrl(url)) void shell.openExternal(url)
}

/** Navigation rules for every web contents the app creates (windows, and anything else that appears). */
export function guardAllWebContents(appUrl: string): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openExternally(url)
      return { action: 'deny' }
    })
    const guard = (event: { preventDefault(): void }, url: string): void => {
      if (isAppUrl(url, appUrl)) return
      event.preventDefault()
      openExternally(url)
    }
    contents.on('will-navigate', (event) => guard(event, event.url))
    contents.on('will-redirect', (event) => guard(event, event.url))
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

/** What every window's page may do: nothing beyond the sandboxed renderer and the preload's bridge. */
export function lockedDownPreferences(preloadPath: string): Electron.WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    preload: preloadPath,
  }
}

/** Loads `url` again whenever the window's renderer dies other than cleanly. */
export function reloadWhenGone(window: BrowserWindow, url: string, what: string): void {
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) {
      console.error(`[hypermesh] ${what} is gone (${details.reason}); reloading`)
      void window.loadURL(url)
    }
  })
}

export interface MainWindowInit {
  appUrl: string
  preloadPath: string
  /** True while closing the window should only hide it (a tray icon brings it back). */
  hideOnClose: () => boolean
}

export function createMainWindow({ appUrl, preloadPath, hideOnClose }: MainWindowInit): BrowserWindow {
  const window = new BrowserWindow({
    title: 'HyperMesh',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    backgroundColor: '#0f1720',
    ...(process.platform === 'linux' ? { icon: iconPath('256x256.png') } : {}),
    // backgroundThrottling stays on (the default): a hidden window must not burn CPU.
    webPreferences: lockedDownPreferences(preloadPath),
  })
  window.once('ready-to-show', () => window.show())
  window.on('close', (event) => {
    if (!hideOnClose()) return
    event.preventDefault()
    window.hide()
  })
  reloadWhenGone(window, appUrl, "the window's renderer")
  void window.loadURL(appUrl)
  return window
}

export function showWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}
