/**
 * The studio draft: what the student has set up but not trained yet (reward code and its language, track,
 * action space, sensors, hyperparameters, maximum time, stop-on-lap, model name), kept in localStorage so that a
 * reload or a closed tab loses none of it (issue 15). Written synchronously (a little debounced, flushed when the
 * page is hidden or goes away), read once when the studio is made, before anything the app restores on purpose
 * (a resumed run, a clone, a share or class link) sets the studio, so those always win.
 *
 * Only the parts that differ from the defaults are kept: a draft equal to the defaults is no draft at all, and
 * a later version's new defaults reach a student who never changed that part. A stored draft is
 * `{type: 'studio-draft', version: 1, ...parts}`; `restoreDraft` drops any part that does not check out (and the
 * whole draft when it is not one), so a damaged draft falls back to the defaults.
 */
import type { ActionSpace } from '../sim/action-space';
import { validateActionSpace } from '../sim/action-space';
import type { RewardLanguage } from '../reward/compile';
import { resolvePpoConfig, type PpoConfig } from '../rl/config';
import { CAMERA_NETWORKS, type CameraNetworkName } from '../rl/embedder-spec';
import { sensorLayout, type SensorName } from '../sim/observation';
import { fieldError, HYPERPARAMETER_FIELDS, type FieldInput } from './hyperparameter-fields';

/** localStorage key of the draft. */
export const DRAFT_KEY = 'raceline.studio-draft';
/** How long after the last change the draft is written, ms (a flush on `pagehide` writes it at once). */
export const DRAFT_DELAY_MS = 300;

/** The studio's setup as plain data (no runes): what a draft is made from and applied to. */
export interface StudioSetup {
  reward: { code: string; language: RewardLanguage };
  trackName: string;
  actionSpace: ActionSpace;
  /** Overrides of the PPO defaults, as `resolvePpoConfig` takes them. */
  hyperparameters: Partial<PpoConfig>;
  /** Minutes, > 0. */
  maxMinutes: number;
  stopOnLap: boolean;
  /** DeepRacer's sensor list, the camera network and sim-to-real randomisation (`SensorSetup`). */
  sensing: { sensors: SensorName[]; cameraNetwork: CameraNetworkName; randomize: boolean };
  modelName: string;
}

/** A stored draft: the parts of a `StudioSetup` that differ from the defaults. */
export type StudioDraft = { type: 'studio-draft'; version: 1 } & Partial<StudioSetup>;

const PARTS = ['reward', 'trackName', 'actionSpace', 'hyperparameters', 'maxMinutes', 'stopOnLap', 'sensing', 'modelName'] as const;

/** The parts of `setup` that differ from `defaults` (compared as JSON), as a draft. */
export function draftOf(setup: StudioSetup, defaults: StudioSetup): StudioDraft {
  const draft: StudioDraft = { type: 'studio-draft', version: 1 };
  for (const part of PARTS) {
    if (JSON.stringify(setup[part]) !== JSON.stringify(defaults[part])) (draft as Record<string, unknown>)[part] = structuredClone(setup[part]);
  }
  return draft;
}

/** True when a draft holds no part (the setup is the defaults). */
export function isEmptyDraft(draft: StudioDraft): boolean {
  return PARTS.every((p) => draft[p] === undefined);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each part's check: the part as the studio takes it, or undefined when it does not check out. */
const CHECKS: { [K in (typeof PARTS)[number]]: (v: unknown) => StudioSetup[K] | undefined } = {
  reward: (v) => (isObject(v) && typeof v.code === 'string' && (v.language === 'python' || v.language === 'javascript') ? { code: v.code, language: v.language } : undefined),
  trackName: (v) => (typeof v === 'string' && v.trim() !== '' ? v : undefined),
  actionSpace: (v) => {
    if (!isObject(v)) return undefined;
    try {
      return validateActionSpace(v as unknown as ActionSpace);
    } catch {
      return undefined;
    }
  },
  hyperparameters: (v) => {
    if (!isObject(v)) return undefined;
    // A value the form's field would refuse (a learning rate of 0.5) is left out, so that field keeps its default.
    const kept = Object.fromEntries(Object.entries(v).filter(([key, value]) => {
      const field = HYPERPARAMETER_FIELDS.find((f) => f.field === key);
      return !field || fieldError(field, value as FieldInput) === null;
    })) as Partial<PpoConfig>;
    if (Object.keys(kept).length === 0) return undefined;
    try {
      resolvePpoConfig(kept);
      return structuredClone(kept);
    } catch {
      return undefined;
    }
  },
  maxMinutes: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined),
  stopOnLap: (v) => (typeof v === 'boolean' ? v : undefined),
  sensing: (v) => {
    if (!isObject(v) || !Array.isArray(v.sensors) || typeof v.randomize !== 'boolean' || typeof v.cameraNetwork !== 'string' || !(v.cameraNetwork in CAMERA_NETWORKS)) return undefined;
    try {
      sensorLayout(v.sensors as SensorName[]);
    } catch {
      return undefined;
    }
    return { sensors: [...(v.sensors as SensorName[])], cameraNetwork: v.cameraNetwork as CameraNetworkName, randomize: v.randomize };
  },
  modelName: (v) => (typeof v === 'string' ? v : undefined),
};

/**
 * Repairs a stored draft: a value that is not `{type: 'studio-draft', version: 1}` gives null; within one, each part
 * that does not check out (a reward without a known language, an action space DeepRacer refuses, a sensor list it
 * does not allow, a non-positive time...) is left out, so the default stays for it; so is each hyperparameter
 * outside its field's range (hyperparameter-fields.ts), and all of them when the rest still fails `resolvePpoConfig`.
 * @param raw a parsed draft, of any shape.
 * @returns the draft with the parts that check out, or null.
 */
export function restoreDraft(raw: unknown): StudioDraft | null {
  if (!isObject(raw) || raw.type !== 'studio-draft' || raw.version !== 1) return null;
  const draft: StudioDraft = { type: 'studio-draft', version: 1 };
  for (const part of PARTS) {
    if (raw[part] === undefined) continue;
    const value = CHECKS[part](raw[part]);
    if (value !== undefined) (draft as Record<string, unknown>)[part] = value;
  }
  return draft;
}

/** The page's localStorage, or null where there is none (Node, storage switched off). */
export function pageStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // a SecurityError where storage is blocked
  }
}

/** The stored draft (repaired by `restoreDraft`), or null when there is none or it is not JSON. */
export function readDraft(storage: Storage | null = pageStorage()): StudioDraft | null {
  try {
    const text = storage?.getItem(DRAFT_KEY);
    return text ? restoreDraft(JSON.parse(text)) : null;
  } catch {
    return null;
  }
}

/**
 * Stores a draft (removes the key for an empty one). A full or blocked storage is ignored: the draft is a
 * convenience, and the models and runs themselves are in IndexedDB, whose errors are shown.
 */
export function writeDraft(draft: StudioDraft, storage: Storage | null = pageStorage()): void {
  try {
    if (isEmptyDraft(draft)) storage?.removeItem(DRAFT_KEY);
    else storage?.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // QuotaExceededError or storage switched off: nothing to keep it in.
  }
}

/**
 * Writes drafts `delayMs` after the last `schedule` call, and at once when the page is hidden or goes away
 * (`visibilitychange` to hidden, `pagehide`), so a reload right after typing keeps the typing.
 */
export class DraftWriter {
  private pending: StudioDraft | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly onHide = (): void => {
    if (typeof document === 'undefined' || document.visibilityState === 'hidden') this.flush();
  };

  /**
   * @param storage where drafts go (null: nowhere).
   * @param target where `pagehide`/`visibilitychange` are listened for; null in Node.
   */
  constructor(
    private readonly storage: Storage | null = pageStorage(),
    private readonly target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | null = typeof window === 'undefined' ? null : window,
    private readonly delayMs = DRAFT_DELAY_MS,
  ) {
    this.target?.addEventListener('pagehide', this.flush);
    this.target?.addEventListener('visibilitychange', this.onHide);
  }

  /** Writes `draft` after the delay, replacing a draft still waiting. */
  schedule(draft: StudioDraft): void {
    this.pending = draft;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(this.flush, this.delayMs);
  }

  /** Writes the waiting draft now, if any. */
  readonly flush = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const draft = this.pending;
    this.pending = null;
    if (draft) writeDraft(draft, this.storage);
  };

  /** Writes what waits and stops listening. */
  dispose(): void {
    this.flush();
    this.target?.removeEventListener('pagehide', this.flush);
    this.target?.removeEventListener('visibilitychange', this.onHide);
  }
}

/** The part of the studio a draft is made from and applied to (`Studio` matches it by shape). */
export interface DraftTarget {
  rewardCode: string;
  rewardLanguage: RewardLanguage;
  trackName: string;
  actionSpace: ActionSpace;
  hyperparameters: Partial<PpoConfig>;
  maxMinutes: number;
  stopOnLap: boolean;
  modelName: string;
  readonly sensing: { readonly sensors: SensorName[]; cameraNetwork: CameraNetworkName; randomize: boolean; set(sensors: readonly string[], network?: string | null): void };
}

/**
 * The target's setup as plain data (copied through JSON, so rune proxies are read, and tracked, field by field).
 */
export function setupOf(target: DraftTarget): StudioSetup {
  const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  return {
    reward: { code: target.rewardCode, language: target.rewardLanguage },
    trackName: target.trackName,
    actionSpace: plain(target.actionSpace),
    hyperparameters: plain(target.hyperparameters),
    maxMinutes: target.maxMinutes,
    stopOnLap: target.stopOnLap,
    sensing: { sensors: [...target.sensing.sensors], cameraNetwork: target.sensing.cameraNetwork, randomize: target.sensing.randomize },
    modelName: target.modelName,
  };
}

/** Sets the parts a draft holds on the target; the other parts keep what they have. */
export function applyDraft(target: DraftTarget, draft: StudioDraft): void {
  if (draft.reward) {
    target.rewardLanguage = draft.reward.language;
    target.rewardCode = draft.reward.code;
  }
  if (draft.trackName !== undefined) target.trackName = draft.trackName;
  if (draft.actionSpace) target.actionSpace = structuredClone(draft.actionSpace);
  // Over the target's own (the defaults): a field left out of a repaired draft keeps the studio's default.
  if (draft.hyperparameters) target.hyperparameters = { ...(JSON.parse(JSON.stringify(target.hyperparameters)) as Partial<PpoConfig>), ...structuredClone(draft.hyperparameters) };
  if (draft.maxMinutes !== undefined) target.maxMinutes = draft.maxMinutes;
  if (draft.stopOnLap !== undefined) target.stopOnLap = draft.stopOnLap;
  if (draft.modelName !== undefined) target.modelName = draft.modelName;
  if (draft.sensing) {
    target.sensing.set(draft.sensing.sensors, draft.sensing.cameraNetwork);
    target.sensing.randomize = draft.sensing.randomize;
  }
}
