import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/cli/load-model';
import { defaultPpoConfig } from '../../src/rl/config';
import { checkModelPackage } from '../../src/share/package-check';
import { fromModelFiles, toModelFiles, type ModelPackage } from '../../src/share/model-package';
import { squareTrackData } from '../helpers/tracks';
import { continuousPackage, fixtureFiles, sameBytes, shareError, simTraceCsv, smallPackage } from './fixtures';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const json = (b: Uint8Array): Record<string, unknown> => JSON.parse(text(b));
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('fromModelFiles on the fixture model folder', () => {
  it('reads every part of a folder written by npm run train', async () => {
    const files = fixtureFiles();
    const pkg = await fromModelFiles(files);
    const manifest = json(files['raceline.json']);
    expect(pkg.name).toBe('reinvent_base (seed 1)');
    expect(pkg.track).toBe('reinvent_base');
    expect(pkg.sensors).toEqual(['TRACK_GEOMETRY']);
    expect(pkg.actionSpace.type).toBe('discrete');
    expect(pkg.actionSpace.type === 'discrete' && pkg.actionSpace.actions.map((a) => [a.steering_angle, a.speed])).toEqual([
      [-30, 0.5], [-30, 1], [-15, 0.5], [-15, 1], [0, 0.5], [0, 1], [15, 0.5], [15, 1], [30, 0.5], [30, 1],
    ]);
    expect(pkg.network).toEqual(json(files['model.json']).modelTopology);
    expect(sameBytes(pkg.weights, files['weights.bin'])).toBe(true);
    expect(pkg.reward).toEqual({ language: 'javascript', code: text(files['reward_function.js']) });
    expect(pkg.ppo).toEqual(manifest.ppo);
    expect(pkg.seed).toBe(1);
    const trials = manifest.evaluation as { progress: number; lapTimeS: number; steps: number; status: string }[];
    expect(pkg.evaluation).toEqual({ seed: 1, trials: trials.map((t) => ({ progress: t.progress, lapTimeS: t.lapTimeS, steps: t.steps, status: t.status })) });
    const history = text(files['training.jsonl']).trim().split('\n').map((l) => JSON.parse(l));
    expect(pkg.history).toEqual(history);
    expect(pkg.training).toEqual({ seconds: history.at(-1).elapsedS, envSteps: history.at(-1).globalStep, iterations: history.at(-1).iteration });
    expect(pkg.logs).toEqual({ training: [], evaluation: [] });
  });

  it("lets hyperparameters.json's DeepRacer values win over raceline.json's ppo, as an edit in DeepRacer would", async () => {
    const files = fixtureFiles();
    files['hyperparameters.json'] = bytes(JSON.stringify({ ...json(files['hyperparameters.json']), lr: '0.0005', loss_type: 'mean squared error' }));
    const pkg = await fromModelFiles(files);
    expect(pkg.ppo.learningRate).toBe(0.0005);
    expect(pkg.ppo.valueLoss).toBe('mse');
  });
});

describe('toModelFiles', () => {
  it('round trips every package: fromModelFiles(toModelFiles(x)) equals x', async () => {
    const withLogs = smallPackage({
      logs: { training: [{ iteration: 0, csv: simTraceCsv(5) }, { iteration: 1, csv: simTraceCsv(3, 20) }], evaluation: [{ iteration: 0, csv: simTraceCsv(4) }] },
      history: [{ iteration: 1, elapsedS: 1.5, note: 'x' }],
    });
    const custom = smallPackage({ track: squareTrackData(), evaluation: null, parent: null, training: null });
    for (const pkg of [(await fromModelFiles(fixtureFiles())), withLogs, custom, continuousPackage()] as ModelPackage[]) {
      const back = await fromModelFiles(await toModelFiles(pkg));
      expect(back).toEqual(pkg);
      expect(sameBytes(back.weights, pkg.weights)).toBe(true);
    }
  });

  it('writes the folder layout: DeepRacer keys, tf.io model.json, manifest with specs and the SHA-256 of weights.bin', async () => {
    const pkg = smallPackage({ logs: { training: [{ iteration: 3, csv: simTraceCsv(2) }], evaluation: [{ iteration: 0, csv: simTraceCsv(2) }] } });
    const files = await toModelFiles(pkg);
    expect(Object.keys(files).sort()).toEqual([
      'hyperparameters.json', 'logs/evaluation/0-iteration.csv', 'logs/training/3-iteration.csv', 'model.json', 'model_metadata.json',
      'raceline.json', 'reward_function.py', 'weights.bin',
    ]);
    expect(Object.keys(json(files['model_metadata.json'])).sort()).toEqual(['action_space', 'action_space_type', 'neural_network', 'sensor', 'training_algorithm', 'version']);
    expect(json(files['hyperparameters.json'])).toEqual({
      batch_size: 64, num_epochs: 10, lr: 0.0003, beta_entropy: 0.01, discount_factor: 0.999, loss_type: 'huber', num_episodes_between_training: 20,
    });
    const manifest = json(files['raceline.json']);
    expect(manifest).toMatchObject({
      format: 'raceline-model', version: 1, track: 'reinvent_base', seed: 7, evaluationSeed: 7, rewardLanguage: 'python',
      observation: { sensors: ['TRACK_GEOMETRY'], size: 22, dtype: 'float32' },
      action: { type: 'discrete', n: 3 },
      weights: { file: 'weights.bin', dtype: 'float32', count: pkg.weights.length, bytes: pkg.weights.length * 4, sha256: createHash('sha256').update(files['weights.bin']).digest('hex') },
    });
    expect((json(files['model.json']).weightsManifest as { paths: string[] }[])[0].paths).toEqual(['weights.bin']);
  });

  it('unpacks into a folder that the headless tools load (npm run evaluate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raceline-share-'));
    try {
      const pkg = await fromModelFiles(fixtureFiles());
      for (const [name, data] of Object.entries(await toModelFiles(pkg))) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), data);
      }
      const loaded = loadModel(dir);
      expect(loaded.manifest.track).toBe('reinvent_base');
      expect(loaded.actionSpace).toEqual(pkg.actionSpace);
      expect(sameBytes(await loaded.policy.network.getFlatWeights(), pkg.weights)).toBe(true);
      expect(sameBytes(new Uint8Array(readFileSync(join(dir, 'weights.bin'))), fixtureFiles()['weights.bin'])).toBe(true);
      loaded.policy.network.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad model files', () => {
  const without = (name: string) => {
    const files = fixtureFiles();
    delete files[name];
    return files;
  };
  const edit = (name: string, f: (v: Record<string, unknown>) => Record<string, unknown>) => {
    const files = fixtureFiles();
    files[name] = bytes(JSON.stringify(f(json(files[name]))));
    return files;
  };

  it('names every missing file', async () => {
    const files = without('weights.bin');
    delete files['reward_function.js'];
    const e = await shareError(fromModelFiles(files));
    expect(e.kind).toBe('missing-file');
    expect(e.message).toMatch(/weights\.bin, reward_function\.py \(or \.js\) are missing/);
    expect((await shareError(fromModelFiles(without('raceline.json')))).kind).toBe('missing-file');
  });

  it('tells a DeepRacer model and other folders from a Raceline model', async () => {
    const deepracer = { 'model_metadata.json': fixtureFiles()['model_metadata.json'], 'model.pb': new Uint8Array(8) };
    const e = await shareError(fromModelFiles(deepracer));
    expect(e.kind).toBe('unknown-format');
    expect(e.message).toMatch(/DeepRacer model/);
    expect((await shareError(fromModelFiles({ 'notes.txt': bytes('hi') }))).kind).toBe('unknown-format');
    expect((await shareError(fromModelFiles(edit('raceline.json', (m) => ({ ...m, format: 'something-else' }))))).kind).toBe('unknown-format');
  });

  it('refuses a newer format version with "update Raceline"', async () => {
    const e = await shareError(fromModelFiles(edit('raceline.json', (m) => ({ ...m, version: 2 }))));
    expect(e.kind).toBe('newer-version');
    expect(e.message).toMatch(/newer Raceline \(model format version 2; this one reads up to 1\); update Raceline/);
  });

  it('finds inconsistent shapes, unknown tracks, malformed JSON', async () => {
    const files = fixtureFiles();
    files['weights.bin'] = files['weights.bin'].slice(0, -4);
    const e = await shareError(fromModelFiles(files));
    expect(e.kind).toBe('inconsistent');
    expect(e.message).toMatch(/the weights hold 11978 values but the network \(22 inputs, hidden 64-64, 10 discrete actions\) needs 11979/);
    const fewerActions = edit('model_metadata.json', (m) => ({ ...m, action_space: (m.action_space as unknown[]).slice(0, 5) }));
    expect((await shareError(fromModelFiles(fewerActions))).message).toMatch(/5 discrete actions but the network/);
    const track = await shareError(fromModelFiles(edit('raceline.json', (m) => ({ ...m, track: 'atlantis' }))));
    expect(track.kind).toBe('unknown-track');
    expect(track.message).toMatch(/'atlantis', which this Raceline does not ship/);
    const broken = fixtureFiles();
    broken['model.json'] = bytes('{"format": ');
    expect(await shareError(fromModelFiles(broken))).toMatchObject({ kind: 'invalid', file: 'model.json' });
  });

  it('checks weights.bin against the SHA-256 in raceline.json', async () => {
    const files = await toModelFiles(smallPackage());
    files['weights.bin'][10] ^= 1;
    expect(await shareError(fromModelFiles(files))).toMatchObject({ kind: 'checksum', file: 'weights.bin' });
  });
});

describe('checkModelPackage', () => {
  it('refuses non-finite weights, mismatched hidden sizes, unknown sensors and malformed logs', () => {
    const nan = smallPackage();
    nan.weights[3] = NaN;
    expect(() => checkModelPackage(nan)).toThrow(/weight policy\/dense_0\/kernel\[3\] is NaN/);
    expect(() => checkModelPackage(smallPackage({ ppo: { ...defaultPpoConfig, hiddenSizes: [64, 64] } }))).toThrow(/hidden layers 64-64 \(tanh\) but the network has 8 \(tanh\)/);
    expect(() => checkModelPackage(smallPackage({ sensors: ['THERMAL_CAMERA'] }))).toThrow(/sensor 'THERMAL_CAMERA' is not available/);
    expect(() => checkModelPackage(smallPackage({ sensors: ['FRONT_FACING_CAMERA'] }))).toThrow(/the network reads 22 inputs but the sensors FRONT_FACING_CAMERA give 19200/);
    expect(() => checkModelPackage(smallPackage({ sensors: ['FRONT_FACING_CAMERA', 'STEREO_CAMERAS'] }))).toThrow(/the sensor list: sensors: choose one camera kind/);
    const badLog = smallPackage({ logs: { training: [{ iteration: 2, csv: simTraceCsv(3).replace('True', 'Maybe') }], evaluation: [] } });
    expect(() => checkModelPackage(badLog)).toThrow(/logs\/training\/2-iteration\.csv line 2, column 'all_wheels_on_track'/);
  });

  it('accepts a custom track only with valid geometry', () => {
    expect(checkModelPackage(smallPackage({ track: squareTrackData() })).track).toEqual(squareTrackData());
    expect(() => checkModelPackage(smallPackage({ track: { ...squareTrackData(), waypoints: [[0, 0]] } }))).toThrow(/the custom track: track: 'waypoints' row 0/);
  });
});
