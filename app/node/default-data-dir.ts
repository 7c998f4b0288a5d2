import { homedir, platform } from 'node:os'
import { join } from 'node:path'

/** Where the node keeps its data when no --data-dir is given: the same folder the desktop app uses. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HYPERMESH_DATA_DIR != null && env.HYPERMESH_DATA_DIR !== '') return env.HYPERMESH_DATA_DIR
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'HyperMesh')
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'HyperMesh')
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'HyperMesh')
  }
}
