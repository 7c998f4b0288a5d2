// npm run daemon [-- <daemon flags>]: the headless node alone, built first, started with its heap cap.
import { spawnSync } from 'node:child_process'
import { requireNode22 } from './node-version.mjs'
import { followChild, spawnDaemon } from './daemon-launch.mjs'

requireNode22()
const built = spawnSync(process.execPath, ['scripts/build.mjs', '--only', 'node'], { stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)
followChild(spawnDaemon(process.argv.slice(2)))
