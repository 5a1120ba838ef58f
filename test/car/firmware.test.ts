import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureInput } from './fixture';
import { REPO } from '../helpers/run-cli';
import { processTarget, type ProcessTargetOptions } from '../../src/car/node/process-target';
import { uploadPack } from '../../src/car/host';
import { CarClient } from '../../src/car/car-client';
import { bytesEqual } from '../../src/car/byte-io';

const hasPython = spawnSync('python3', ['-c', 'print(1)']).status === 0;
const hasNumpy = hasPython && spawnSync('python3', ['-c', 'import numpy']).status === 0;

const RUNTIMES: { options: ProcessTargetOptions; available: boolean; missing: string }[] = [
  {
    options: { name: 'python', command: 'python3', args: ['-m', 'raceline_car', '--state-dir', '{stateDir}', '--tcp', '127.0.0.1:0'], cwd: join(REPO, 'firmware/python'), transport: 'tcp' },
    available: hasNumpy,
    missing: 'python3 with numpy is missing; apt-get install -y python3 python3-numpy',
  },
  {
    options: { name: 'micropython-cpython', command: 'python3', args: ['unix_main.py', '{stateDir}'], cwd: join(REPO, 'firmware/micropython'), transport: 'stdio' },
    available: hasPython,
    missing: 'python3 is missing',
  },
];

describe.each(RUNTIMES)('the $options.name runtime', ({ options, available, missing }) => {
  it.skipIf(!available)(`falls back to the other verified slot when flash damaged the active model${available ? '' : ` [skipped: ${missing}]`}`, async () => {
    const { float32, int8 } = await fixtureInput();
    const target = processTarget(options);
    try {
      const upload = (pack: Uint8Array) => uploadPack({ clock: target.clock, pack, connect: () => target.connect(), timeouts: target.timeouts });
      expect((await upload(float32)).outcome).toBe('switched');
      const second = await upload(int8);
      expect(second.outcome).toBe('switched');
      const damaged = join(target.stateDir, `slot${second.activeSlot}.bin`);
      const bytes = readFileSync(damaged);
      bytes[200] ^= 0x10;
      writeFileSync(damaged, bytes);
      await target.restart();
      const client = new CarClient(await target.connect(), target.clock, target.timeouts);
      const hello = await client.hello();
      client.close();
      expect(hello.activeSlot).toBe(1 - second.activeSlot!);
      expect(bytesEqual(hello.slots[hello.activeSlot!].hash, float32.subarray(float32.length - 32))).toBe(true);
    } finally {
      await target.close();
    }
  });
});
