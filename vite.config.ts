import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { FRAME_SCRIPT, SANDBOX_FILE, sandboxDocument } from './src/sandbox/frame-document.js';

/** What `loadPyodide({indexURL})` fetches from indexURL (and `pyodide.mjs`, which the sandbox imports from bytes), and their content types. */
const PYODIDE_FILES: Readonly<Record<string, string>> = {
  'pyodide.mjs': 'text/javascript',
  'pyodide.asm.mjs': 'text/javascript',
  'pyodide.asm.wasm': 'application/wasm',
  'python_stdlib.zip': 'application/zip',
  'pyodide-lock.json': 'application/json',
};

/**
 * Serves Pyodide (CPython in WebAssembly, for Python reward functions) from this site, never from a
 * CDN, so the studio works offline: `vite build` copies those files of the `pyodide` npm package
 * unchanged into `dist/pyodide/`, and the dev server answers `/pyodide/<file>` from the package.
 * Workers are told where they are by `src/workers/pyodide-url.ts`.
 */
function pyodideAssets(): Plugin {
  const dir = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
  return {
    name: 'raceline-pyodide-assets',
    // Pyodide finds its files at run time from indexURL; pre-bundling it in dev gains nothing.
    config: () => ({ optimizeDeps: { exclude: ['pyodide'] } }),
    configureServer(server) {
      const prefix = `${server.config.base.replace(/\/?$/, '/')}pyodide/`;
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0];
        const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
        if (!Object.hasOwn(PYODIDE_FILES, name)) return next();
        res.setHeader('Content-Type', PYODIDE_FILES[name]);
        res.end(readFileSync(join(dir, name)));
      });
    },
    generateBundle() {
      for (const name of Object.keys(PYODIDE_FILES)) {
        this.emitFile({ type: 'asset', fileName: `pyodide/${name}`, source: readFileSync(join(dir, name)) });
      }
    },
  };
}

/**
 * The reward sandbox frame (`src/sandbox/frame-document.ts`, docs/security.md) as a file of the site,
 * `reward-sandbox.html`, with the frame script's SHA-256 in its Content-Security-Policy.
 */
function rewardSandboxDocument(): Plugin {
  const html = () => sandboxDocument(createHash('sha256').update(FRAME_SCRIPT, 'utf8').digest('base64'));
  return {
    name: 'raceline-reward-sandbox',
    configureServer(server) {
      const path = `${server.config.base.replace(/\/?$/, '/')}${SANDBOX_FILE}`;
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== path) return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(html());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SANDBOX_FILE, source: html() });
    },
  };
}

/**
 * The site as an installable PWA that works offline after one visit: Workbox
 * precaches every file of the build — app and worker chunks, the reward sandbox document, tracks
 * and lessons (bundled into chunks), Pyodide's files and tfjs-wasm's binaries. Query strings are
 * ignored when matching the cache (share and class links carry their data in the fragment, which
 * never reaches the service worker), and any navigation falls back to the precached index.html.
 * No service worker in `vite` (dev): devOptions stay disabled. Registered by `src/ui/offline.svelte.ts`.
 */
function offlineApp(): Plugin[] {
  return VitePWA({
    registerType: 'autoUpdate',
    injectRegister: false,
    devOptions: { enabled: false },
    manifest: {
      name: 'Raceline',
      short_name: 'Raceline',
      description: 'Learn reinforcement learning by training a DeepRacer-style car in your browser.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#f4f5f7',
      theme_color: '#12263a',
      icons: [{ src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' }],
    },
    workbox: {
      globPatterns: ['**/*.{js,mjs,css,html,wasm,zip,json,svg,md}'],
      // Pyodide's wasm binary is about 9.6 MB, the largest file of the site.
      maximumFileSizeToCacheInBytes: 24 * 1024 * 1024,
      ignoreURLParametersMatching: [/.*/],
      navigateFallback: 'index.html',
      // The sandbox frame is a precached file of its own, never the app's page.
      navigateFallbackDenylist: [/reward-sandbox\.html$/],
      cleanupOutdatedCaches: true,
      // A new version takes over at once (registerType 'autoUpdate'), and the first visit's page is controlled.
      skipWaiting: true,
      clientsClaim: true,
    },
  });
}

export default defineConfig({
  plugins: [svelte(), pyodideAssets(), rewardSandboxDocument(), offlineApp()],
  base: './',
  worker: { format: 'es' },
  // Quiet builds for `npm start`: Rolldown's plugin-timing report is noise for someone who just wants the studio.
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, rolldownOptions: { checks: { pluginTimings: false } } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 420_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
