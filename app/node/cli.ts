/**
 * The headless daemon: runs a node and serves the dashboard UI and the API on loopback.
 * `npm start -- --headless`, or `npm run daemon -- --data-dir <dir>`.
 */
import { runDaemon } from './daemon-main'

void runDaemon(process.argv.slice(2))
