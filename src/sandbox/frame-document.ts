/**
 * The sandbox frame: a tiny HTML document, served by the site as `reward-sandbox.html` and loaded
 * by the page in `<iframe sandbox="allow-scripts">`. The `sandbox` attribute gives it an opaque
 * origin (no access to the site's IndexedDB, caches, cookies or the page's DOM); its
 * Content-Security-Policy forbids every network request. Its one script (allowed by hash, nothing
 * else is) starts the reward workers from source text the page sends, hands each the MessagePort
 * the page gave it, and answers pings; it never runs user code itself. See docs/security.md.
 *
 * Plain data and a pure function so that the Vite plugin (Node) and the tests build the same
 * document; the SHA-256 is computed by the caller (Node's crypto or Web Crypto).
 */

/** File name of the frame document at the site's root. */
export const SANDBOX_FILE = 'reward-sandbox.html';

/**
 * The frame's script, run in the opaque-origin frame. Messages from anything but the parent window
 * are ignored. Protocol (window.postMessage, `raceline` key on every message):
 * - parent → frame `{raceline: 'start', id, source, init, buffers}` + transferred ports: start a
 *   classic worker from `source` (blob URL) and post it `init`, passing on the ports and moving the
 *   ArrayBuffers listed in `buffers`;
 *   `{raceline: 'stop', id}`: terminate that worker; `{raceline: 'ping', n}`: answer `pong`.
 * - frame → parent `{raceline: 'ready'}`, `{raceline: 'started', id}`, `{raceline: 'pong', n}`,
 *   `{raceline: 'worker-error', id, message}` when a worker dies of an uncaught error.
 */
export const FRAME_SCRIPT = `"use strict";
(() => {
  const workers = new Map();
  const send = (m) => parent.postMessage(Object.assign({ raceline: '' }, m), '*');
  addEventListener('message', (e) => {
    if (e.source !== parent || !e.data || typeof e.data.raceline !== 'string') return;
    const m = e.data;
    if (m.raceline === 'ping') { send({ raceline: 'pong', n: m.n }); return; }
    if (m.raceline === 'stop') { const w = workers.get(m.id); if (w) w.terminate(); workers.delete(m.id); return; }
    if (m.raceline !== 'start') return;
    try {
      const url = URL.createObjectURL(new Blob([String(m.source)], { type: 'text/javascript' }));
      const worker = new Worker(url, { name: 'raceline-reward-sandbox' });
      URL.revokeObjectURL(url);
      workers.set(m.id, worker);
      worker.addEventListener('error', (ev) => send({ raceline: 'worker-error', id: m.id, message: String(ev.message || 'the worker stopped with no message') }));
      const buffers = Array.isArray(m.buffers) ? m.buffers.filter((b) => b instanceof ArrayBuffer) : [];
      worker.postMessage(m.init, Array.from(e.ports).concat(buffers));
      send({ raceline: 'started', id: m.id });
    } catch (err) {
      send({ raceline: 'worker-error', id: m.id, message: String(err && err.message || err) });
    }
  });
  send({ raceline: 'ready' });
})();
`;

/**
 * The frame's Content-Security-Policy.
 * - `script-src`: the frame script by hash; `blob:` for the workers started from source text;
 *   `'unsafe-eval'` because a JavaScript reward function is compiled with `new Function` (it is
 *   user code, and it runs here on purpose); `'wasm-unsafe-eval'` for Pyodide.
 * - `connect-src 'none'` (fetch, XMLHttpRequest, WebSocket, EventSource) and `default-src 'none'`
 *   for everything else (images, fonts, frames, media); `worker-src blob:` only.
 * @param scriptSha256 base64 SHA-256 of FRAME_SCRIPT.
 */
export function sandboxCsp(scriptSha256: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptSha256}' 'unsafe-eval' 'wasm-unsafe-eval' blob:`,
    'worker-src blob:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * @param scriptSha256 base64 SHA-256 of FRAME_SCRIPT (UTF-8).
 * @returns the whole HTML document.
 */
export function sandboxDocument(scriptSha256: string): string {
  const csp = sandboxCsp(scriptSha256).replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Raceline reward sandbox</title>
<script>${FRAME_SCRIPT}</script>
</head>
<body></body>
</html>
`;
}
