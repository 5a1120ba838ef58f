/**
 * Builds the learner harness page (`learner.html`) apart from the site, with Vite and no site config (no service
 * worker, no sandbox page), and serves it with `vite preview` on 127.0.0.1. Used by the browser tests and the bench.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = resolve(ROOT, 'node_modules/.cache/raceline-harness');

/** Builds and serves the harness. @returns its page URL and a function that stops the server. */
export async function serveHarness(port = 4327): Promise<{ url: string; close: () => Promise<void> }> {
  const config = { root: ROOT, configFile: false as const, logLevel: 'warn' as const, build: { outDir: OUT, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192, rollupOptions: { input: resolve(ROOT, 'test/harness/learner.html') } } };
  await build(config);
  const server: PreviewServer = await preview({ ...config, preview: { host: '127.0.0.1', port, strictPort: false } });
  const base = server.resolvedUrls?.local[0];
  if (!base) throw new Error('vite preview did not report a URL for the harness');
  return { url: `${base}test/harness/learner.html`, close: () => new Promise((done) => server.httpServer.close(() => done())) };
}
