/**
 * The page's handle on the reward sandbox (docs/security.md): a hidden
 * `<iframe sandbox="allow-scripts">` showing `reward-sandbox.html` (opaque origin, no network by
 * its CSP, its own renderer process in Chromium), in which reward workers are started from the
 * built `reward-host.worker` source. Each worker serves a RewardHost on a MessagePort that the
 * caller keeps or hands to a sim worker. Closing the sandbox removes the frame, which ends all its
 * workers at once, however busy they are.
 *
 * Liveness: `alive()` pings the frame. A frame whose process died (a reward function that ran out
 * of memory takes its process down) never answers; a frame whose worker loops forever still does,
 * so the caller can tell the two apart and say which happened (`survives()` waits a few seconds
 * for a process that is still dying).
 */
import rewardHostUrl from './reward-host.worker.ts?worker&url';
import { SANDBOX_FILE } from './frame-document';
import { PYODIDE_FILES, type PyodideFiles } from './pyodide-bytes';
import type { RewardLanguage } from '../reward/compile';
import { pyodideIndexURL } from './pyodide-url';

/** Largest single buffer reward code may allocate, MiB (`allocation-limit.ts`). */
export const ALLOCATION_LIMIT_MIB = 256;
/** Longest the frame may take to load and say it is ready, ms. */
const FRAME_READY_LIMIT_MS = 15_000;

let workerSource: Promise<string> | null = null;
let frameDocument: Promise<string> | null = null;
let pyodideFiles: Promise<PyodideFiles> | null = null;

/** Fetches a site file, failing with a message that names it. */
async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status})`);
  return r;
}

/**
 * The frame document's text, fetched by the page (so the service worker answers it offline: Chromium
 * sends a sandboxed frame's own navigation to the network, never to the service worker) and given to
 * the frame as `srcdoc`. Its Content-Security-Policy is a `<meta>` tag, so it applies the same.
 */
function loadFrameDocument(site: string): Promise<string> {
  frameDocument ??= fetchOk(new URL(SANDBOX_FILE, site).href).then((r) => r.text());
  frameDocument.catch(() => (frameDocument = null));
  return frameDocument;
}

function loadWorkerSource(): Promise<string> {
  workerSource ??= fetchOk(new URL(rewardHostUrl, location.href).href).then((r) => r.text());
  workerSource.catch(() => (workerSource = null));
  return workerSource;
}

/** Pyodide's files from the site (`/pyodide/`), fetched once per page and copied for each worker. */
function loadPyodideFiles(indexURL: string): Promise<PyodideFiles> {
  pyodideFiles ??= Promise.all(PYODIDE_FILES.map((name) => fetchOk(indexURL + name).then((r) => r.arrayBuffer()))).then(
    (buffers) => Object.fromEntries(PYODIDE_FILES.map((name, i) => [name, buffers[i]])) as PyodideFiles,
  );
  pyodideFiles.catch(() => (pyodideFiles = null));
  return pyodideFiles;
}

export interface SandboxWorker {
  /** The RewardHost's end of the channel; wrap it with Comlink or transfer it to a worker. */
  port: MessagePort;
  id: number;
}

export class RewardSandbox {
  private frame: HTMLIFrameElement;
  private nextId = 1;
  private nextPing = 1;
  private closed = false;
  private readonly listeners = new Set<(m: Record<string, unknown>) => void>();
  private readonly onMessage = (e: MessageEvent) => {
    if (e.source !== this.frame.contentWindow || !e.data || typeof e.data.raceline !== 'string') return;
    for (const l of [...this.listeners]) l(e.data);
  };
  /** Uncaught errors of the workers (as the frame reported them), by worker id. */
  readonly workerErrors = new Map<number, string>();
  /** Called for each uncaught error in a worker: user code that throws outside a call (a timer). */
  onWorkerError: ((id: number, message: string) => void) | null = null;

  private constructor() {
    this.frame = document.createElement('iframe');
    this.frame.setAttribute('sandbox', 'allow-scripts');
    this.frame.setAttribute('aria-hidden', 'true');
    this.frame.tabIndex = -1;
    this.frame.title = 'Reward function sandbox';
    this.frame.className = 'reward-sandbox';
    this.frame.style.display = 'none';
    window.addEventListener('message', this.onMessage);
    this.listeners.add((m) => {
      if (m.raceline !== 'worker-error') return;
      this.workerErrors.set(Number(m.id), String(m.message));
      this.onWorkerError?.(Number(m.id), String(m.message));
    });
  }

  /**
   * Opens a sandbox frame (the text of `reward-sandbox.html`, at the site's root, as its srcdoc).
   * @throws Error when that file cannot be fetched.
   * @throws Error when the frame does not load within 15 s.
   */
  static async open(): Promise<RewardSandbox> {
    const site = new URL(import.meta.env.BASE_URL, location.href).href;
    const html = await loadFrameDocument(site);
    const sandbox = new RewardSandbox();
    const ready = sandbox.waitFor((m) => m.raceline === 'ready', FRAME_READY_LIMIT_MS, 'the reward sandbox did not load');
    sandbox.frame.srcdoc = html;
    document.body.appendChild(sandbox.frame);
    try {
      await ready;
    } catch (e) {
      sandbox.close();
      throw e;
    }
    return sandbox;
  }

  /**
   * Starts a reward worker in the frame.
   * @param language 'python' sends Pyodide's files along (fetched from the site once per page).
   * @throws Error when the site's files cannot be loaded or the frame does not start the worker.
   */
  async startWorker(language: RewardLanguage): Promise<SandboxWorker> {
    if (this.closed) throw new Error('the reward sandbox is closed');
    // The dev server serves workers as unbundled modules; the sandbox needs the one-file build.
    if (/[?&]worker_file\b/.test(rewardHostUrl)) throw new Error('the reward sandbox runs only in the built site: use `npm start` (vite build + preview) to train');
    const source = await loadWorkerSource();
    let files: PyodideFiles | null = null;
    if (language === 'python') {
      const shared = await loadPyodideFiles(pyodideIndexURL());
      files = Object.fromEntries(Object.entries(shared).map(([k, v]) => [k, v.slice(0)])) as PyodideFiles;
    }
    const id = this.nextId++;
    const channel = new MessageChannel();
    const started = this.waitFor((m) => (m.raceline === 'started' || m.raceline === 'worker-error') && m.id === id, FRAME_READY_LIMIT_MS, 'the reward sandbox did not start a worker');
    const buffers = files ? Object.values(files) : [];
    this.frame.contentWindow!.postMessage(
      { raceline: 'start', id, source, buffers, init: { port: channel.port2, pyodideFiles: files, allocationLimitMiB: ALLOCATION_LIMIT_MIB } },
      '*',
      [channel.port2, ...buffers],
    );
    const m = await started;
    if (m.raceline === 'worker-error') throw new Error(`the reward sandbox could not start a worker: ${String(m.message)}`);
    return { port: channel.port1, id };
  }

  /** Ends one worker (the frame stays). */
  stopWorker(id: number): void {
    if (!this.closed) this.frame.contentWindow?.postMessage({ raceline: 'stop', id }, '*');
  }

  /**
   * Whether the frame's process still answers.
   * @param withinMs how long to wait for the answer.
   */
  async alive(withinMs = 1000): Promise<boolean> {
    if (this.closed || !this.frame.contentWindow) return false;
    const n = this.nextPing++;
    const pong = this.waitFor((m) => m.raceline === 'pong' && m.n === n, withinMs, 'no answer');
    this.frame.contentWindow.postMessage({ raceline: 'ping', n }, '*');
    return pong.then(
      () => true,
      () => false,
    );
  }

  /**
   * Whether the frame's process still answers after a grace period, pinging about twice a second.
   * A process running out of memory can spend seconds collecting garbage before the browser ends
   * it, so a reward call over its time limit may come a little before the process dies: waiting
   * tells "it looped" (still answers) from "it ran out of memory" (stops answering).
   * @param graceMs how long the process must keep answering, ms.
   * @returns false as soon as one ping goes unanswered.
   */
  async survives(graceMs = 6000): Promise<boolean> {
    const end = performance.now() + graceMs;
    do {
      if (!(await this.alive())) return false;
      await new Promise((r) => setTimeout(r, 500));
    } while (performance.now() < end);
    return true;
  }

  /** Removes the frame: every worker in it ends now. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    window.removeEventListener('message', this.onMessage);
    this.listeners.clear();
    this.frame.remove();
  }

  private waitFor(pred: (m: Record<string, unknown>) => boolean, ms: number, what: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${what} within ${ms / 1000} s`));
      }, ms);
      const listener = (m: Record<string, unknown>) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m);
      };
      this.listeners.add(listener);
    });
  }
}
