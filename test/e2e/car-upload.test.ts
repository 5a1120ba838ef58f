/**
 * "Upload to car" in real Chromium, on the built site, with a model trained in the page:
 * - the virtual car: upload progress, the verified "done", live telemetry, the car driving the track;
 * - Bluetooth: Chromium's own Bluetooth emulation (CDP BluetoothEmulation) as a Nordic UART car that
 *   relays to the core's virtual car in Node, with a 20-byte ATT payload that cuts longer writes short;
 * - USB serial: a fake `navigator.serial` port (Chromium cannot emulate one) wired to the core's
 *   virtual car in Node at 115200 baud;
 * - a browser with neither API: the explanation and the pack and ONNX downloads.
 * The Node-side cars are in `car-peripherals.ts`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from './browser';
import { openStudio, trainUntilDone } from './studio-helpers';
import { bridgeSerial, CAR_INIT_SCRIPT, EmulatedBleCar, type SerialBridge } from './car-peripherals';
import { realClock } from '../../src/car/clock';
import { VirtualCar } from '../../src/car/virtual-car';
import { parsePackBody } from '../../src/car/pack';
import { toHex } from '../../src/car/byte-io';
import { VirtualDrive } from '../../src/car-web/virtual-drive';
import { loadTrackData } from '../helpers/tracks';

const DONE = /^✓ Done: the car runs the new model \(slot \d\), (\d+) bytes in [\d.]+ s\. Verified: the car checked SHA-256 ([0-9a-f]{16})… before switching\./;

/** Opens the upload dialog of the first saved model (closing one a failed test left open). */
async function openUploadDialog(page: Page): Promise<void> {
  if (await page.getByTestId('car-upload').count()) await closeDialog(page);
  await page.getByTestId('upload-to-car').first().click();
  await page.getByTestId('car-upload').waitFor();
  await expect.poll(() => page.getByTestId('car-upload-start').isEnabled(), { timeout: 30_000 }).toBe(true);
}

/**
 * Records every text the "n of N bytes acknowledged" line takes, in the page (a MutationObserver, so no
 * update is missed however busy the machine is). Call before pressing Upload; `progressSeen` reads it.
 */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __carProgress: string[]; __carObserver?: MutationObserver };
    w.__carObserver?.disconnect();
    w.__carProgress = [];
    const root = document.querySelector('[data-testid=car-upload]')!;
    const note = () => {
      const t = root.querySelector('[data-testid=car-upload-bytes]')?.textContent ?? '';
      if (t && w.__carProgress.at(-1) !== t) w.__carProgress.push(t);
    };
    w.__carObserver = new MutationObserver(note);
    w.__carObserver.observe(root, { subtree: true, childList: true, characterData: true });
  });
}

/** Waits for the upload's result. @returns the distinct acknowledged byte counts the page showed, in order. */
async function progressSeen(page: Page, timeoutMs = 120_000): Promise<{ acked: number; total: number }[]> {
  await page.getByTestId('car-upload-result').waitFor({ timeout: timeoutMs });
  const texts = await page.evaluate(() => (window as unknown as { __carProgress: string[] }).__carProgress);
  const seen: { acked: number; total: number }[] = [];
  for (const text of texts) {
    const m = text.match(/^([\d,]+) of ([\d,]+) bytes acknowledged/);
    if (!m) continue;
    const p = { acked: Number(m[1].replace(/,/g, '')), total: Number(m[2].replace(/,/g, '')) };
    if (seen.at(-1)?.acked !== p.acked) seen.push(p);
  }
  return seen;
}

async function closeDialog(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await page.getByTestId('car-upload').waitFor({ state: 'detached' });
}

describe('upload to a car (real Chromium, built site)', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let serialCar: VirtualCar;
  let serial: SerialBridge;
  const errors: string[] = [];
  const downloads = mkdtempSync(join(tmpdir(), 'raceline-car-downloads-'));

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.addInitScript(CAR_INIT_SCRIPT);
    serialCar = new VirtualCar({ clock: realClock });
    serial = await bridgeSerial(context, serialCar);
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await openStudio(page, baseUrl);
    expect(await trainUntilDone(page)).toMatch(/stopped/);
    await page.getByTestId('upload-to-car').first().waitFor({ timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(downloads, { recursive: true, force: true });
  });

  it('virtual car: progress, the verified "done", live telemetry, and the car lapping the track with the uploaded model', async () => {
    await openUploadDialog(page);
    await expect(page.getByRole('radio', { name: /Virtual car/ }).isChecked()).resolves.toBe(true);
    await page.getByRole('radio', { name: /^float32/ }).check();
    await recordProgress(page);
    await page.getByTestId('car-upload-start').click();
    const seen = await progressSeen(page);
    // over the simulated 115200-baud link a float32 pack takes about 2 s: the bar moves in steps
    const total = seen[0].total;
    const between = seen.filter((p) => p.acked > 0 && p.acked < total);
    expect(between.length).toBeGreaterThanOrEqual(3);
    seen.slice(1).forEach((p, i) => expect(p.acked).toBeGreaterThanOrEqual(seen[i].acked));
    const result = page.getByTestId('car-upload-result');
    expect(await result.getAttribute('data-outcome')).toBe('switched');
    const text = (await result.textContent())!.trim().replace(/\s+/g, ' ');
    const m = text.match(DONE);
    expect(m, text).not.toBeNull();
    console.log(`virtual car (simulated serial 115200 baud, real time): ${text}`);
    expect(Number(m![1])).toBe(total);
    await expect.poll(() => page.getByTestId('car-upload-bytes').textContent()).toMatch(new RegExp(`^${total.toLocaleString('en')} of ${total.toLocaleString('en')} bytes acknowledged \\(100%\\)`));

    // telemetry arrives live and the virtual car moves along the track
    const telemetry = page.getByTestId('car-telemetry');
    await expect.poll(async () => Number(await telemetry.getAttribute('data-frames')), { timeout: 20_000 }).toBeGreaterThan(10);
    await expect.poll(async () => parseFloat((await page.getByTestId('telemetry-speed').textContent()) ?? '0'), { timeout: 20_000 }).toBeGreaterThan(0.3);
    const frames1 = Number(await telemetry.getAttribute('data-frames'));
    await expect.poll(async () => parseFloat((await page.getByTestId('virtual-progress').textContent()) ?? '0'), { timeout: 30_000 }).toBeGreaterThan(20);
    expect(Number(await telemetry.getAttribute('data-frames'))).toBeGreaterThan(frames1);
    expect(await page.locator('[data-testid=virtual-track] canvas').count()).toBe(1);
    // a whole lap in real time (about 30 s for models that lap re:Invent 2018)
    await expect.poll(async () => (await page.getByTestId('virtual-laps').textContent()) ?? '', { timeout: 120_000, interval: 1000 }).toMatch(/^[1-9]\d* laps?$/);
    console.log(`virtual car in the page: ${(await page.locator('.drive-head').textContent())?.replace(/\s+/g, ' ').trim()}`);

    // the same model again: nothing to send
    await page.getByTestId('car-upload-start').click();
    await expect.poll(() => result.getAttribute('data-outcome')).toBe('already-active');
    await closeDialog(page);
  });

  it('Bluetooth (emulated by Chromium, 20-byte ATT payload): the write-size probe settles on 20-byte writes, the car verifies the int8 pack, telemetry flows back', async () => {
    const bleCar = new VirtualCar({ clock: realClock });
    const ble = await EmulatedBleCar.create(await browser.newBrowserCDPSession(), await context.newCDPSession(page), page, bleCar, { attPayload: 20 });
    await openUploadDialog(page);
    await page.getByRole('radio', { name: /^Bluetooth/ }).check();
    await page.getByRole('radio', { name: /^int8/ }).check();
    await recordProgress(page);
    await page.getByTestId('car-upload-start').click();
    const seen = await progressSeen(page, 180_000);
    const result = page.getByTestId('car-upload-result');
    const text = (await result.textContent())!.trim().replace(/\s+/g, ' ');
    expect(text, `${text}\n${ble.errors.join('\n')}`).toMatch(DONE);
    console.log(`Bluetooth (Chromium's emulation, 20-byte writes through CDP): ${text}`);
    expect(seen.filter((p) => p.acked > 0 && p.acked < p.total).length).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('car-upload-progress').textContent()).toContain('Bluetooth: Raceline-e2e');

    // the probe: a 244-byte and a 182-byte write (cut to their 20 bytes of filler), then nothing over 20 bytes
    expect(ble.writes.slice(0, 2)).toEqual([244, 182]);
    expect(Math.max(...ble.writes.slice(2))).toBe(20);
    expect([...ble.writeTypes]).toEqual(['write-without-response']);
    // the car holds exactly the int8 pack the page built
    const pack = parsePackBody(bleCar.activeModelBytes()!);
    expect(pack.weightType).toBe('int8');
    expect(text.match(DONE)![2]).toBe(toHex(pack.hash).slice(0, 16));

    // the car drives (in Node) and its telemetry reaches the page through the emulated link
    const drive = new VirtualDrive(bleCar, loadTrackData('reinvent_base'));
    const timer = setInterval(() => drive.step(), 1000 / 15);
    try {
      const telemetry = page.getByTestId('car-telemetry');
      const state = async () => `telemetry panel: ${(await telemetry.textContent())?.replace(/\s+/g, ' ')}; bytes relayed ${ble.delivered}, reads lost ${ble.lostReads}; errors ${ble.errors.join(', ') || 'none'}`;
      await expect
        .poll(async () => Number(await telemetry.getAttribute('data-frames')), { timeout: 30_000 })
        .toBeGreaterThan(5)
        .catch(async (e: Error) => {
          throw new Error(`${e.message}\n${await state()}`);
        });
      await expect.poll(async () => Number(await page.getByTestId('telemetry-action').textContent()), { timeout: 10_000 }).toBeGreaterThanOrEqual(0);
      // (Chromium's emulation asks Node about a GATT connection only once per device, so the Node side
      // cannot count the page's reconnection for telemetry; the serial test counts its port openings.)
    } finally {
      clearInterval(timer);
    }
    expect(ble.errors).toEqual([]);
    await closeDialog(page);
  });

  it('USB serial (a fake navigator.serial port wired to the virtual car at 115200 baud): opened 8N1, upload verified, telemetry', async () => {
    await openUploadDialog(page);
    await page.getByRole('radio', { name: /^USB serial/ }).check();
    await page.getByRole('radio', { name: /^float32/ }).check();
    await recordProgress(page);
    await page.getByTestId('car-upload-start').click();
    const seen = await progressSeen(page);
    const text = (await page.getByTestId('car-upload-result').textContent())!.trim().replace(/\s+/g, ' ');
    expect(text).toMatch(DONE);
    console.log(`USB serial (fake port, Node virtual car at 115200 baud): ${text}`);
    expect(seen.filter((p) => p.acked > 0 && p.acked < p.total).length).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('car-upload-progress').textContent()).toContain('USB serial 303a:1001');
    expect(serial.opens[0]).toMatchObject({ baudRate: 115200, dataBits: 8, stopBits: 1, parity: 'none', flowControl: 'none' });
    expect(parsePackBody(serialCar.activeModelBytes()!).weightType).toBe('float32');
    expect(Math.max(...serial.writes)).toBeLessThanOrEqual(1024);

    const drive = new VirtualDrive(serialCar, loadTrackData('reinvent_base'));
    const timer = setInterval(() => drive.step(), 1000 / 15);
    try {
      const telemetry = page.getByTestId('car-telemetry');
      await expect.poll(async () => Number(await telemetry.getAttribute('data-frames')), { timeout: 30_000 }).toBeGreaterThan(5);
      await expect.poll(async () => parseFloat((await page.getByTestId('telemetry-speed').textContent()) ?? '0'), { timeout: 20_000 }).toBeGreaterThan(0.1);
    } finally {
      clearInterval(timer);
    }
    expect(serial.opens.length).toBe(2); // the upload's connection, then telemetry's
    await closeDialog(page);
    await expect.poll(() => serial.closes).toBe(2); // closing the dialog released the port
  });

  it('a browser with neither Web Serial nor Web Bluetooth: says so, offers the virtual car, and downloads the pack and its ONNX model', async () => {
    await page.goto(`${baseUrl}?car-apis=none`);
    await page.getByTestId('upload-to-car').first().waitFor({ timeout: 60_000 });
    await openUploadDialog(page);
    expect(await page.getByTestId('car-no-transport').textContent()).toMatch(/neither Web Serial nor Web Bluetooth.*download the car pack/);
    expect(await page.getByRole('radio', { name: /^USB serial/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /^Bluetooth/ }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: /Virtual car/ }).isEnabled()).toBe(true);
    await page.getByRole('radio', { name: /^int8/ }).check();
    const packFile = page.waitForEvent('download');
    await page.getByTestId('car-download-pack').click();
    const pack = await packFile;
    expect(pack.suggestedFilename()).toMatch(/\.int8\.rlpk$/);
    const packBytes = new Uint8Array(readFileSync(await pack.path()));
    expect(new TextDecoder().decode(packBytes.subarray(0, 4))).toBe('RLPK');
    expect(parsePackBody(packBytes).weightType).toBe('int8');
    const onnxFile = page.waitForEvent('download');
    await page.getByTestId('car-download-onnx').click();
    const onnx = await onnxFile;
    expect(onnx.suggestedFilename()).toMatch(/\.int8\.onnx$/);
    const onnxText = new TextDecoder().decode(readFileSync(await onnx.path()));
    expect(onnxText).toContain(toHex(parsePackBody(packBytes).hash));
    await closeDialog(page);
    expect(errors.filter((e) => !/GL Driver|GPU stall|Web Bluetooth is experimental/.test(e))).toEqual([]);
  });
});
