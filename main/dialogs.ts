/**
 * Error dialogs, as in IPFS Desktop: a critical error stops the app (the node could not start); a
 * recoverable one is reported and the app carries on. Both point at the node's log file.
 */
import { dialog, shell, type BrowserWindow } from 'electron'

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/** Blocks until the person answers; the caller quits afterwards. */
export function showCriticalError(title: string, err: unknown, logFile: string): void {
  console.error(`[hypermesh] ${title}:`, err)
  const choice = dialog.showMessageBoxSync({
    type: 'error',
    title: 'HyperMesh',
    message: title,
    detail: `${messageOf(err)}\n\nThe log file may say more:\n${logFile}`,
    buttons: ['Quit', 'Show log file'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  })
  if (choice === 1) shell.showItemInFolder(logFile)
}

/** Does not block; the app keeps running. */
export function showRecoverableError(
  window: BrowserWindow | null,
  title: string,
  err: unknown,
  logFile: string,
): void {
  console.error(`[hypermesh] ${title}:`, err)
  const options = {
    type: 'warning' as const,
    title: 'HyperMesh',
    message: title,
    detail: `${messageOf(err)}\n\nHyperMesh keeps running. The log file may say more:\n${logFile}`,
    buttons: ['Close', 'Show log file'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  }
  const shown =
    window != null && !window.isDestroyed()
      ? dialog.showMessageBox(window, options)
      : dialog.showMessageBox(options)
  void shown.then(({ response }) => {
    if (response === 1) shell.showItemInFolder(logFile)
  })
}
