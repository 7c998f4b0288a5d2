/**
 * The desktop app's GPU host: a hidden window that loads the app's page with `?gpu-host`, which lends
 * Chromium's WebGPU adapter to the node for GPU jobs (renderer/src/gpu/page-gpu-host.ts) whether or not
 * the main window is open. It runs under the same rules as the main window (./window.ts) and is not
 * throttled in the background, since it does work while hidden. Where Chromium gives no WebGPU adapter,
 * the page attaches nothing and the GPU sharing card says why.
 */
import { BrowserWindow } from 'electron'

export function createGpuHostWindow({
  appUrl,
  preloadPath,
}: {
  appUrl: string
  preloadPath: string
}): BrowserWindow {
  const url = `${appUrl}?gpu-host`
  const window = new BrowserWindow({
    title: 'HyperMesh GPU host',
    show: false,
    width: 320,
    height: 200,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: preloadPath,
      backgroundThrottling: false,
    },
  })
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit' && !window.isDestroyed()) {
      console.error(`[hypermesh] the GPU host's renderer is gone (${details.reason}); reloading`)
      void window.loadURL(url)
    }
  })
  void window.loadURL(url)
  return window
}
