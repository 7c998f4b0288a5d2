/**
 * Builds the renderer: `npx vite build --config renderer/vite.config.ts` (from the repository root)
 * writes dist/renderer, which Electron loads from file:// and the local API serves in browser mode.
 */
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const here = import.meta.dirname

/**
 * The dev server injects inline scripts (React Fast Refresh preamble) and <style> tags (CSS HMR), which the
 * strict Content-Security-Policy in index.html forbids. Relax it for `vite serve` only; builds keep it strict.
 */
const relaxCspForDevServer = (): Plugin => ({
  name: 'hypermesh:relax-csp-in-dev',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
      .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
})

export default defineConfig({
  root: here,
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    // The demo page (sample data, no node) is built only on request, never shipped.
    rollupOptions: {
      input: {
        index: `${here}/index.html`,
        ...(process.env.HYPERMESH_DEMO === '1' ? { demo: `${here}/demo.html` } : {}),
      },
    },
  },
  server: { host: '127.0.0.1' },
})
