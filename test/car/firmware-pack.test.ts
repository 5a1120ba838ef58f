/**
 * The Python reference runtime's inference (firmware/python, numpy) on version-2 packs: a stereo camera
 * + LiDAR network (conv2d layers and a parallel layer), float32 and int8, gives the browser's outputs
 * (`packForward`) on the same observations. CI installs python3-numpy (.ci/run).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/run-cli';
import { buildPack } from '../../src/car/pack-build';
import { parsePackBody } from '../../src/car/pack';
import { packForward } from '../../src/car/pack-inference';
import { actionSpace, networkFor, observations } from './embedder-nets';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy']).status === 0;

const SCRIPT = `
import json, sys
import numpy as np
from raceline_car.pack import parse_pack, forward
pack = parse_pack(open(sys.argv[1], 'rb').read())
obs = np.fromfile(sys.argv[2], dtype='<f4').reshape(-1, pack.observation_size)
print(json.dumps([forward(pack, o).tolist() for o in obs]))
`;

describe('the Python runtime runs camera and LiDAR packs', () => {
  it.skipIf(!hasNumpy)(`stereo camera + LiDAR (conv2d, parallel), float32 and int8: the browser's outputs${hasNumpy ? '' : ' [skipped: python3 with numpy is missing]'}`, async () => {
    const sensors = ['STEREO_CAMERAS', 'LIDAR'] as const;
    const { spec, weights, layout } = networkFor([...sensors], 11);
    const dir = mkdtempSync(join(tmpdir(), 'raceline-pack-'));
    try {
      const obs = observations([...sensors], 2, 12);
      writeFileSync(join(dir, 'obs.f32'), new Uint8Array(obs.buffer));
      for (const weightType of ['float32', 'int8'] as const) {
        const bytes = await buildPack({ spec, weights, actionSpace, sensorNames: [...sensors] }, { weightType });
        writeFileSync(join(dir, 'model.rlpk'), bytes);
        const run = spawnSync('python3', ['-c', SCRIPT, join(dir, 'model.rlpk'), join(dir, 'obs.f32')], { cwd: join(REPO, 'firmware/python'), encoding: 'utf8', maxBuffer: 1 << 20 });
        expect(run.stderr).toBe('');
        const theirs = JSON.parse(run.stdout) as number[][];
        const pack = parsePackBody(bytes);
        theirs.forEach((row, i) => {
          const mine = packForward(pack, obs.subarray(i * layout.size, (i + 1) * layout.size));
          expect(row).toHaveLength(5);
          row.forEach((v, k) => expect(Math.abs(v - mine[k]), weightType).toBeLessThan(1e-9 * (1 + Math.abs(mine[k]))));
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasNumpy)(`turns real camera frames and LiDAR sweeps into the simulator's sensor values${hasNumpy ? '' : ' [skipped: python3 with numpy is missing]'}`, () => {
    const script = `
import json, math
import numpy as np
from raceline_car import sensors as s, hardware as h
frame = np.zeros((480, 640, 3), np.uint8); frame[240:, :, :] = (200, 100, 50)  # road colour below the middle
cam = s.camera_observation(frame).reshape(120, 160)
angles = np.linspace(-math.pi, math.pi, 720, endpoint=False); ranges = np.full(720, 5.0)
ranges[(np.abs(angles) < math.radians(4))] = 0.3  # a box straight ahead, 0.3 m away
print(json.dumps({
  'cam': [cam.size, cam[0, 0], cam[119, 159], round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)],
  'stereo': int(s.stereo_observation(frame, frame).size),
  'lidar': s.lidar_observation(angles, ranges).tolist(),
  'sector': s.sector_lidar_observation(angles, ranges).tolist(),
  'discretized': s.discretized_sector_lidar_observation(angles, ranges).tolist(),
  'unconnected': h.read_observation([('LIDAR', 64)]),
}))
`;
    const run = spawnSync('python3', ['-c', script], { cwd: join(REPO, 'firmware/python'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const r = JSON.parse(run.stdout);
    expect(r.cam.slice(0, 3)).toEqual([19_200, 0, r.cam[3]]);
    expect(r.stereo).toBe(38_400);
    // 64 rays from −150° to +150°: the box covers the middle rays (31 and 32 straddle 0°), the rest see nothing (1 m).
    expect(r.lidar).toHaveLength(64);
    expect(r.lidar.map((v: number, i: number) => (v < 1 ? i : -1)).filter((i: number) => i >= 0)).toEqual([31, 32]);
    expect(Math.min(...r.lidar)).toBeCloseTo(0.3, 9);
    expect(r.sector).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect(r.discretized.slice(24, 32)).toEqual([0, 1, 1, 1, 1, 1, 1, 1]); // 0.3 m: within 0.5 m and beyond
    expect(r.discretized.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.unconnected).toBeNull(); // no LiDAR connected: the car does not drive
  });
});
