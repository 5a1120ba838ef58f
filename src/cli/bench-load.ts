/**
 * `npm run bench:load`: how fast the page loads, and how much it downloads, on a local server. Builds
 * the site into a temporary folder, serves it with `vite preview`, and opens it N times (default 5)
 * in headless Chromium, each in a fresh profile (a first visit: nothing cached, no service worker):
 *  - `bench: 'load'`: first contentful paint and navigation → Train enabled (the studio is usable:
 *    storage read), ms, the median and every run;
 *  - `bench: 'first-load'`: the JavaScript and CSS the page fetched before Train was enabled, bytes
 *    over the wire and decoded, with the files; and whether the lazy chunks of the heavy parts
 *    (CodeMirror, uPlot, tfjs workers, Pyodide) were among them, by file name (a part bundled into
 *    the page's own chunks is not seen there: look at the sizes);
 *  - `bench: 'bundle'`: the build's size on disk by kind, and what the service worker precaches.
 * Figures, not assertions. Flags: --runs N, --port P. Prints JSON lines; dev-only (needs devDependencies).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from './args';
import { REPO } from './run-tool';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.runs ?? 5);
const port = Number(args.port ?? 4319);
const emit = (o: Record<string, unknown>): void => console.log(JSON.stringify(o));

/** One file the page fetched: its path in the site, bytes over the wire and decoded. */
interface Fetched {
  path: string;
  transferBytes: number;
  decodedBytes: number;
}

/** What one first visit measured. */
interface LoadRun {
  firstContentfulPaintMs: number;
  trainEnabledMs: number;
  scripts: Fetched[];
}

/** Marks, in the page, when Train first becomes enabled (ms since navigation start). */
const WATCH_TRAIN = `(() => {
  const check = () => {
    const b = document.querySelector('[data-testid=train]');
    if (b && !b.disabled && window.__trainEnabledAt === undefined) { window.__trainEnabledAt = performance.now(); obs.disconnect(); }
  };
  const obs = new MutationObserver(check);
  obs.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
})();`;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Every file under `dir`, relative path and size in bytes. */
function filesOf(dir: string): { path: string; bytes: number }[] {
  const out: { path: string; bytes: number }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dir, p), bytes: statSync(p).size });
    }
  };
  walk(dir);
  return out;
}

/** Opens the site once in a fresh profile and measures the load. */
async function loadOnce(url: string): Promise<LoadRun> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'raceline-bench-load-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 720 } });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(WATCH_TRAIN);
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __trainEnabledAt?: number }).__trainEnabledAt !== undefined, null, { timeout: 60_000, polling: 50 });
    return await page.evaluate(() => {
      const at = (window as unknown as { __trainEnabledAt: number }).__trainEnabledAt;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((r) => r.responseEnd <= at && /\.(m?js|css)$/.test(new URL(r.name).pathname))
        .map((r) => ({ path: new URL(r.name).pathname, transferBytes: r.transferSize, decodedBytes: r.decodedBodySize }));
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      scripts.push({ path: new URL(nav.name).pathname, transferBytes: nav.transferSize, decodedBytes: nav.decodedBodySize });
      return { firstContentfulPaintMs: Math.round(fcp), trainEnabledMs: Math.round(at), scripts };
    });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    emit({ bench: 'load', available: false, reason: `no Chromium at ${CHROMIUM}` });
    return;
  }
  const { build, preview } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'raceline-bench-dist-'));
  try {
    await build({ root: REPO, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    const files = filesOf(outDir);
    const sum = (re: RegExp): number => files.filter((f) => re.test(f.path)).reduce((a, f) => a + f.bytes, 0);
    const sw = existsSync(join(outDir, 'sw.js')) ? readFileSync(join(outDir, 'sw.js'), 'utf8') : '';
    const precached = [...sw.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]);
    const precacheBytes = files.filter((f) => precached.includes(f.path)).reduce((a, f) => a + f.bytes, 0);
    emit({
      bench: 'bundle',
      totalBytes: sum(/./),
      jsBytes: sum(/\.m?js$/),
      cssBytes: sum(/\.css$/),
      wasmBytes: sum(/\.wasm$/),
      pyodideBytes: sum(/^pyodide\//),
      precacheFiles: precached.length,
      precacheBytes,
    });

    const server = await preview({ root: REPO, logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: false } });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a URL');
    try {
      await loadOnce(url); // warm the server and the disk cache; not counted
      const measured: LoadRun[] = [];
      for (let i = 0; i < runs; i++) measured.push(await loadOnce(url));
      emit({
        bench: 'load',
        runs,
        medianTrainEnabledMs: median(measured.map((r) => r.trainEnabledMs)),
        medianFirstContentfulPaintMs: median(measured.map((r) => r.firstContentfulPaintMs)),
        trainEnabledMs: measured.map((r) => r.trainEnabledMs),
        firstContentfulPaintMs: measured.map((r) => r.firstContentfulPaintMs),
      });
      const first = measured[measured.length - 1].scripts;
      const heavy = { codemirror: /codemirror|reward-code-editor/i, uplot: /uplot/i, tfjs: /tfjs|learner\.worker|sim\.worker/i, pyodide: /pyodide/i };
      emit({
        bench: 'first-load',
        transferBytes: first.reduce((a, f) => a + f.transferBytes, 0),
        decodedBytes: first.reduce((a, f) => a + f.decodedBytes, 0),
        heavyPartsLoaded: Object.fromEntries(Object.entries(heavy).map(([k, re]) => [k, first.some((f) => re.test(f.path))])),
        files: first.map((f) => `${f.path.split('/').pop() || 'index.html'} ${f.decodedBytes}`),
      });
    } finally {
      await server.close();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
