/**
 * The desktop app's GPU host: a hidden window that loads the app's page with `?gpu-host`, which lends
 * Chromium's WebGPU adapter to the node for GPU jobs (renderer/src/gpu/page-gpu-host.ts) whether or not
 * the main window is open. It runs under the same rules as the main window (./window.ts) and is not
 * throttled in the background, since it does work while hidden. Where Chromium gives no WebGPU adapter,
 * the page attaches nothing and the GPU sharing card says why.
 */
import { BrowserWindow } from 'electron'
import { lockedDownPreferences, reloadWhenGone } from './window'

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
    // Not throttled while hidden: it does work then.
    webPreferences: { ...lockedDownPreferences(preloadPath), backgroundThrottling: false },
  })
  reloadWhenGone(window, url, "the GPU host's renderer")
  void window.loadURL(url)
  return window
}
