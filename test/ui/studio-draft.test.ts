import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyDraft, DRAFT_KEY, draftOf, DraftWriter, isEmptyDraft, readDraft, restoreDraft, setupOf, writeDraft, type DraftTarget, type StudioSetup } from '../../src/ui/studio-draft';
import { defaultActionSpace, generateDiscreteActionSpace } from '../../src/sim/action-space';
import { DEFAULT_REWARD } from '../../src/reward/examples';
import { sensorLayout } from '../../src/sim/observation';

/** A Storage kept in a Map (Node has no localStorage). */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

/** A studio-shaped target with the studio's defaults (Studio in studio.svelte.ts, SensorSetup). */
function target(): DraftTarget {
  const sensing = {
    view: 'TRACK_GEOMETRY' as string | null,
    lidar: null as string | null,
    cameraNetwork: 'DEEP_CONVOLUTIONAL_NETWORK_SHALLOW' as DraftTarget['sensing']['cameraNetwork'],
    randomize: false,
    get sensors() {
      return [...(this.view ? [this.view] : []), ...(this.lidar ? [this.lidar] : [])] as DraftTarget['sensing']['sensors'];
    },
    set(sensors: readonly string[], network?: string | null) {
      const l = sensorLayout(sensors as DraftTarget['sensing']['sensors']);
      this.view = l.geometry ? 'TRACK_GEOMETRY' : l.camera;
      this.lidar = l.lidar;
      if (network) this.cameraNetwork = network as DraftTarget['sensing']['cameraNetwork'];
    },
  };
  return {
    rewardCode: DEFAULT_REWARD.code,
    rewardLanguage: DEFAULT_REWARD.language,
    trackName: 'reinvent_base',
    actionSpace: defaultActionSpace(),
    hyperparameters: { numEnvs: 8 },
    maxMinutes: 10,
    stopOnLap: true,
    modelName: '',
    sensing,
  };
}

const edited: Omit<StudioSetup, 'sensing'> & { sensing: StudioSetup['sensing'] } = {
  reward: { code: 'function reward_function(params) {\n  return params.progress / 100;\n}\n', language: 'javascript' },
  trackName: 'Oval_track',
  actionSpace: generateDiscreteActionSpace(30, 5, 2, 3),
  hyperparameters: { numEnvs: 4, learningRate: 5e-4, gamma: 0.99 },
  maxMinutes: 3,
  stopOnLap: false,
  sensing: { sensors: ['TRACK_GEOMETRY', 'LIDAR'], cameraNetwork: 'DEEP_CONVOLUTIONAL_NETWORK', randomize: true },
  modelName: 'my car',
};

describe('studio draft', () => {
  afterEach(() => vi.useRealTimers());

  it('a setup equal to the defaults makes an empty draft, and writing it removes the stored one', () => {
    const defaults = setupOf(target());
    const draft = draftOf(setupOf(target()), defaults);
    expect(isEmptyDraft(draft)).toBe(true);
    const storage = memoryStorage();
    storage.setItem(DRAFT_KEY, JSON.stringify({ type: 'studio-draft', version: 1, maxMinutes: 3 }));
    writeDraft(draft, storage);
    expect(storage.getItem(DRAFT_KEY)).toBeNull();
    // Applying an empty draft changes nothing.
    const t = target();
    applyDraft(t, restoreDraft(JSON.parse(JSON.stringify(draft)))!);
    expect(setupOf(t)).toEqual(defaults);
  });

  it('keeps only the parts that differ, and a stored draft brings back every part on a fresh studio', () => {
    const defaults = setupOf(target());
    const t = target();
    applyDraft(t, { type: 'studio-draft', version: 1, ...edited });
    const draft = draftOf(setupOf(t), defaults);
    expect(Object.keys(draft).sort()).toEqual(['actionSpace', 'hyperparameters', 'maxMinutes', 'modelName', 'reward', 'sensing', 'stopOnLap', 'trackName', 'type', 'version']);
    const storage = memoryStorage();
    writeDraft(draft, storage);
    const fresh = target();
    applyDraft(fresh, readDraft(storage)!);
    expect(setupOf(fresh)).toEqual(edited);

    // Only the reward changed: the draft holds the reward alone, and the rest stays at the defaults.
    const onlyReward = target();
    onlyReward.rewardCode = 'def reward_function(params):\n    return 2.0\n';
    const small = draftOf(setupOf(onlyReward), defaults);
    expect(Object.keys(small).sort()).toEqual(['reward', 'type', 'version']);
    expect(small.reward).toEqual({ code: onlyReward.rewardCode, language: 'python' });
  });

  it('falls back to the defaults for a damaged draft: not JSON, not a draft, or parts DeepRacer refuses', () => {
    const storage = memoryStorage();
    storage.setItem(DRAFT_KEY, '{"type":"studio-draft",');
    expect(readDraft(storage)).toBeNull();
    for (const raw of [null, 3, 'x', [], { type: 'model', version: 1 }, { type: 'studio-draft', version: 2, maxMinutes: 3 }]) expect(restoreDraft(raw)).toBeNull();

    const restored = restoreDraft({
      type: 'studio-draft',
      version: 1,
      reward: { code: 'x', language: 'ruby' },
      trackName: '',
      actionSpace: { type: 'discrete', actions: [{ steering_angle: 0, speed: 9 }] }, // 9 m/s: over DeepRacer's 4
      hyperparameters: { learningRate: 0.5, gamma: 2, clipRange: -1 }, // outside the fields' ranges; clipRange fails resolvePpoConfig
      maxMinutes: -1,
      stopOnLap: 'yes',
      sensing: { sensors: ['FRONT_FACING_CAMERA', 'STEREO_CAMERAS'], cameraNetwork: 'DEEP_CONVOLUTIONAL_NETWORK', randomize: false }, // two cameras
      modelName: 7,
    })!;
    expect(isEmptyDraft(restored)).toBe(true);
    const t = target();
    applyDraft(t, restored);
    expect(setupOf(t)).toEqual(setupOf(target()));

    // Good parts beside bad ones are kept.
    expect(restoreDraft({ type: 'studio-draft', version: 1, maxMinutes: 2, stopOnLap: 'no', hyperparameters: { entropyCoef: 0.005 } })).toEqual({ type: 'studio-draft', version: 1, maxMinutes: 2, hyperparameters: { entropyCoef: 0.005 } });
    // A hyperparameter outside its field's range (DeepRacer's learning rate is at most 1e-3) is left out alone.
    expect(restoreDraft({ type: 'studio-draft', version: 1, hyperparameters: { learningRate: 0.5, entropyCoef: 0.005, numEnvs: 4 } })?.hyperparameters).toEqual({ entropyCoef: 0.005, numEnvs: 4 });
    expect(restoreDraft({ type: 'studio-draft', version: 1, hyperparameters: { numEnvs: 2.5 } })?.hyperparameters).toBeUndefined();
    // What is left out keeps the studio's default (8 parallel cars).
    const t2 = target();
    applyDraft(t2, restoreDraft({ type: 'studio-draft', version: 1, hyperparameters: { numEnvs: 40, gamma: 0.99 } })!);
    expect(t2.hyperparameters).toEqual({ numEnvs: 8, gamma: 0.99 });
  });

  it('writes a little after the last change, and at once when the page goes away', () => {
    vi.useFakeTimers();
    const storage = memoryStorage();
    const page = new EventTarget();
    const writer = new DraftWriter(storage, page, 300);
    writer.schedule({ type: 'studio-draft', version: 1, maxMinutes: 2 });
    vi.advanceTimersByTime(200);
    writer.schedule({ type: 'studio-draft', version: 1, maxMinutes: 3 });
    vi.advanceTimersByTime(200);
    expect(storage.getItem(DRAFT_KEY)).toBeNull(); // still typing
    vi.advanceTimersByTime(100);
    expect(JSON.parse(storage.getItem(DRAFT_KEY)!)).toEqual({ type: 'studio-draft', version: 1, maxMinutes: 3 });

    writer.schedule({ type: 'studio-draft', version: 1, maxMinutes: 4 });
    page.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(storage.getItem(DRAFT_KEY)!).maxMinutes).toBe(4);
    writer.dispose();
  });

  it('ignores a storage that refuses writes', () => {
    const full = { ...memoryStorage(), setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } } as Storage;
    expect(() => writeDraft({ type: 'studio-draft', version: 1, maxMinutes: 2 }, full)).not.toThrow();
  });
});
