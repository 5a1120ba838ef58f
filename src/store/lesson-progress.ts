/**
 * `LessonProgressStore`: what a student has done in the lessons — per lesson the steps done, the checks passed and
 * the models made and evaluated while it was open — and where they are (lesson, step, panel collapsed, the class
 * they joined, their best keyboard drive). Kept in a database of its own (`raceline-lessons`) beside the models'
 * (`raceline`, db.ts), so the two schemas change independently. Records are `{type, version}` and repaired on read
 * by `restoreProgress` / `restorePlace`; storage errors become `StoreError`s.
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import type { ClassLink } from '../share/class-link';
import { toStoreError } from './errors';

/** Name of the browser's lesson database. */
export const LESSON_DB_NAME = 'raceline-lessons';

export interface LessonProgress {
  type: 'lesson-progress';
  version: 1;
  lessonId: string;
  /** Indices of the steps marked done (0-based). */
  stepsDone: number[];
  /** Indices of the steps whose check passed. */
  checksPassed: number[];
  /** Ids of models trained while the lesson was open. */
  modelsMade: string[];
  /** Evaluations run while the lesson was open: the model, its trials, the first trial's thinned trail. */
  evaluations: StoredEvaluation[];
  /** ms since the Unix epoch. */
  updatedAt: number;
}

/** One evaluation as a lesson keeps it (src/lessons/checks.ts `SeenEvaluation` has the meaning of each field). */
export interface StoredEvaluation {
  modelId: string;
  modelName?: string;
  trials: { lapTimeS: number | null; progress: number; centreOffset?: number | null; leftShare?: number | null }[];
  /** `[m * 2]` x, y (m). */
  trail?: number[];
}

/** Where the student is, one record. */
export interface LessonPlace {
  type: 'lesson-place';
  version: 1;
  key: 'place';
  /** null: the lesson map is shown. */
  lessonId: string | null;
  step: number;
  collapsed: boolean;
  /** The class joined through a class link, if any. */
  classLink: ClassLink | null;
  /** Best progress driven with the keyboard, percent of a lap. */
  driveBestProgress: number;
}

/** A fresh progress record. */
export function emptyProgress(lessonId: string): LessonProgress {
  return { type: 'lesson-progress', version: 1, lessonId, stepsDone: [], checksPassed: [], modelsMade: [], evaluations: [], updatedAt: 0 };
}

export function defaultPlace(): LessonPlace {
  return { type: 'lesson-place', version: 1, key: 'place', lessonId: null, step: 0, collapsed: false, classLink: null, driveBestProgress: 0 };
}

const indices = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x) && x >= 0) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function restoreEvaluation(e: StoredEvaluation): StoredEvaluation {
  const trials = e.trials.map((t) => ({ lapTimeS: numberOrNull(t?.lapTimeS), progress: Number(t?.progress) || 0, centreOffset: numberOrNull(t?.centreOffset), leftShare: numberOrNull(t?.leftShare) }));
  const trail = Array.isArray(e.trail) && e.trail.length % 2 === 0 && e.trail.every((v) => typeof v === 'number' && Number.isFinite(v)) ? e.trail : undefined;
  return { modelId: e.modelId, ...(typeof e.modelName === 'string' ? { modelName: e.modelName } : {}), trials, ...(trail ? { trail } : {}) };
}

/** Repairs a stored progress record: missing or damaged fields become empty (progress is never worth an error). */
export function restoreProgress(raw: unknown, lessonId: string): LessonProgress {
  const r = (raw ?? {}) as Partial<LessonProgress>;
  const evaluations = Array.isArray(r.evaluations) ? r.evaluations.filter((e) => typeof e?.modelId === 'string' && Array.isArray(e.trials)).map(restoreEvaluation) : [];
  return { ...emptyProgress(lessonId), stepsDone: indices(r.stepsDone), checksPassed: indices(r.checksPassed), modelsMade: strings(r.modelsMade), evaluations, updatedAt: Number(r.updatedAt) || 0 };
}

/** Repairs the stored place. */
export function restorePlace(raw: unknown): LessonPlace {
  const r = (raw ?? {}) as Partial<LessonPlace>;
  const d = defaultPlace();
  return {
    ...d,
    lessonId: typeof r.lessonId === 'string' ? r.lessonId : null,
    step: Number.isInteger(r.step) && (r.step as number) >= 0 ? (r.step as number) : 0,
    collapsed: r.collapsed === true,
    classLink: r.classLink && typeof r.classLink === 'object' ? r.classLink : null,
    driveBestProgress: Number(r.driveBestProgress) || 0,
  };
}

class LessonDb extends Dexie {
  declare progress: Table<LessonProgress, string>;
  declare place: Table<LessonPlace, string>;
  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({ progress: 'lessonId', place: 'key' });
  }
}

export class LessonProgressStore {
  private readonly db: LessonDb;

  /** @param name database name (tests use a fresh one each); @param options e.g. `{indexedDB, IDBKeyRange}`. */
  constructor(name = LESSON_DB_NAME, options?: DexieOptions) {
    this.db = new LessonDb(name, options);
  }

  /** Every lesson's progress by lesson id. @throws StoreError. */
  async all(): Promise<Map<string, LessonProgress>> {
    try {
      const rows = await this.db.progress.toArray();
      return new Map(rows.map((r) => [r.lessonId, restoreProgress(r, r.lessonId)]));
    } catch (e) {
      throw toStoreError(e, 'reading lesson progress', 'the progress');
    }
  }

  /** Keeps a lesson's progress. @throws StoreError. */
  async put(progress: LessonProgress): Promise<void> {
    try {
      await this.db.progress.put({ ...progress, updatedAt: Date.now() });
    } catch (e) {
      throw toStoreError(e, 'saving lesson progress', 'the progress');
    }
  }

  /** Where the student was; the default place when nothing is stored. @throws StoreError. */
  async place(): Promise<LessonPlace> {
    try {
      return restorePlace(await this.db.place.get('place'));
    } catch (e) {
      throw toStoreError(e, 'reading the lesson place', 'the place');
    }
  }

  /** @throws StoreError. */
  async putPlace(place: LessonPlace): Promise<void> {
    try {
      await this.db.place.put({ ...place, key: 'place' });
    } catch (e) {
      throw toStoreError(e, 'saving the lesson place', 'the place');
    }
  }

  close(): void {
    this.db.close();
  }
}
