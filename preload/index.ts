/**
 * The preload script (sandboxed: it may require only a few electron modules). It exposes exactly
 * HyperMeshBridge as `window.hypermesh` — two functions that move envelopes — and nothing else: no
 * ipcRenderer, no event objects, no Node.js. main/ checks the sender and the node validates every call.
 *
 * Only types come from shared/api: importing its values would bundle zod into this script.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type {
  HyperMeshBridge,
  IPC_CHANNELS as IpcChannels,
  RpcEvent,
  RpcRequest,
  RpcResponse,
} from '../shared/api'

/** The same strings as IPC_CHANNELS in shared/api; the type makes any difference a compile error. */
const CHANNELS: typeof IpcChannels = { call: 'hypermesh:call', event: 'hypermesh:event' }

const bridge: HyperMeshBridge = {
  call(request: RpcRequest): Promise<RpcResponse> {
    return ipcRenderer.invoke(CHANNELS.call, request) as Promise<RpcResponse>
  },
  onEvent(listener: (event: RpcEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, message: RpcEvent): void => listener(message)
    ipcRenderer.on(CHANNELS.event, forward)
    return () => {
      ipcRenderer.removeListener(CHANNELS.event, forward)
    }
  },
}

contextBridge.exposeInMainWorld('hypermesh', bridge)
