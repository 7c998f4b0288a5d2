/** Wires the IPC carrier: ipcMain answers calls, the window receives events. See ./ipc-handlers. */
import { ipcMain, type BrowserWindow } from 'electron'
import type { ApiDispatcher } from '../app/node'
import { IPC_CHANNELS } from '../shared/api'
import { isAppUrl } from './app-url'
import { createEventForwarder, createIpcCallHandler } from './ipc-handlers'

export interface IpcInit {
  dispatcher: ApiDispatcher
  appUrl: string
  getWindow: () => BrowserWindow | null
}

/** Returns the function that unregisters everything. */
export function registerIpc({ dispatcher, appUrl, getWindow }: IpcInit): () => void {
  ipcMain.handle(
    IPC_CHANNELS.call,
    createIpcCallHandler({ dispatcher, isTrustedSender: (frameUrl) => isAppUrl(frameUrl, appUrl) }),
  )
  const stopForwarding = createEventForwarder(dispatcher, (event) => {
    const window = getWindow()
    if (window != null && !window.isDestroyed()) window.webContents.send(IPC_CHANNELS.event, event)
  })
  return () => {
    stopForwarding()
    ipcMain.removeHandler(IPC_CHANNELS.call)
  }
}
