/**
 * The tray icon: Show and Quit. Some Linux desktops have no tray; there the app runs without one (closing
 * the window then quits, see main/index.ts) instead of crashing.
 */
import { Menu, nativeImage, Tray } from 'electron'
import { iconPath } from './paths'

export interface TrayActions {
  show: () => void
  quit: () => void
}

export function createTray(actions: TrayActions): Tray | null {
  try {
    const isMac = process.platform === 'darwin'
    const image = nativeImage.createFromPath(iconPath(isMac ? 'trayTemplate.png' : 'tray.png'))
    if (image.isEmpty())
      throw new Error(`tray icon missing at ${iconPath(isMac ? 'trayTemplate.png' : 'tray.png')}`)
    if (isMac) image.setTemplateImage(true)
    const tray = new Tray(image)
    tray.setToolTip('HyperMesh')
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Show HyperMesh', click: actions.show },
        { type: 'separator' },
        { label: 'Quit HyperMesh', click: actions.quit },
      ]),
    )
    // Windows and most Linux trays: a click opens the window (macOS opens the menu on click).
    if (!isMac) tray.on('click', actions.show)
    return tray
  } catch (err) {
    console.warn(`[hypermesh] no tray icon: ${(err as Error).message}`)
    return null
  }
}
