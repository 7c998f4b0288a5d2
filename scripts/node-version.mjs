// The project needs Node 22.12+. `npm install` brings it (node_modules/.bin/node), and npm scripts use it.
const [major, minor] = process.versions.node.split('.').map(Number)
export function requireNode22() {
  if (major > 22 || (major === 22 && minor >= 12)) return
  console.error(
    `HyperMesh needs Node 22.12 or newer; this is Node ${process.versions.node}.\n` +
      'Run it through npm (npm start, npm test): after npm install, npm scripts use the Node 22 that npm install\n' +
      'placed in node_modules/.bin. On a platform without such a package, install Node 22 first.',
  )
  process.exit(1)
}
