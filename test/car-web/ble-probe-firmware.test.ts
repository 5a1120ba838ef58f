/**
 * The Bluetooth write-size probe (filler bytes then a HELLO, docs/car-protocol.md §1) against the
 * reference runtimes in child processes, behind a fake Nordic UART Service: they answer it, and an
 * upload over the probed write size verifies.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixtureInput } from '../car/fixture';
import { REPO } from '../helpers/run-cli';
import { realClock } from '../../src/car/clock';
import { uploadPack } from '../../src/car/host';
import { processTarget } from '../../src/car/node/process-target';
import { BLE_WRITE_FLOOR, openNusStream } from '../../src/car-web/ble-stream';
import { FakeBleCar } from './fakes';

const hasPython = spawnSync('python3', ['-c', 'print(1)']).status === 0;
const hasNumpy = hasPython && spawnSync('python3', ['-c', 'import numpy']).status === 0;
/** The conformance suite's allowances for runtimes in child processes. */
const SLOW = { replyMs: 2000, dataMs: 3000, verifyMs: 10_000 };

const runtimes = [
  { name: 'python', ready: hasNumpy, why: 'python3 with numpy is missing', target: () => processTarget({ name: 'python', command: 'python3', args: ['-m', 'raceline_car', '--state-dir', '{stateDir}', '--tcp', '127.0.0.1:0'], cwd: join(REPO, 'firmware/python'), transport: 'tcp' }) },
  { name: 'micropython-cpython', ready: hasPython, why: 'python3 is missing', target: () => processTarget({ name: 'micropython-cpython', command: 'python3', args: ['unix_main.py', '{stateDir}'], cwd: join(REPO, 'firmware/micropython'), transport: 'stdio' }) },
];

describe('the reference runtimes answer the Bluetooth write-size probe', () => {
  for (const r of runtimes) {
    it.skipIf(!r.ready)(`${r.name}: 244-byte probe on a 244-byte link, 20 bytes on a link that cuts writes short; uploads verify${r.ready ? '' : ` [skipped: ${r.why}]`}`, async () => {
      const { int8, float32 } = await fixtureInput();
      const target = r.target();
      try {
        const wide = new FakeBleCar(() => target.connect(), 244, 'throw');
        const stream = await openNusStream(wide, { probeTimeoutMs: 3000 });
        expect(stream.writeSize).toBe(244);
        const a = await uploadPack({ clock: realClock, pack: int8, connect: async () => stream, timeouts: SLOW });
        expect(a.outcome, a.message).toBe('switched');
        const narrow = new FakeBleCar(() => target.connect(), 20, 'truncate');
        const slow = await openNusStream(narrow, { probeTimeoutMs: 1500 });
        expect(slow.writeSize).toBe(BLE_WRITE_FLOOR);
        expect(narrow.delivered.slice(0, 2)).toEqual([20, 20]); // the probes, cut to filler
        const b = await uploadPack({ clock: realClock, pack: float32, connect: async () => slow, timeouts: SLOW });
        expect(b.outcome, b.message).toBe('switched');
        expect(Math.max(...narrow.delivered)).toBe(20);
      } finally {
        await target.close();
      }
    });
  }
});
