/**
 * The lesson panel's state: the lessons, where the student is (kept across reloads), their progress (IndexedDB,
 * src/store/lesson-progress.ts), the class they joined, and the two things a step can do to the studio — apply its
 * setup through Studio's own fields, and run its check (src/lessons/checks.ts) on facts read from the studio, with
 * reward code run only in the reward sandbox. Models trained and evaluations run while a lesson is open are
 * recorded in that lesson's progress.
 */
import { untrack } from 'svelte';
import type { Studio } from '../studio.svelte';
import type { Lesson, LessonStep } from '../../lessons/lesson-format';
import { runCheck, type CheckContext, type CheckResult, type SeenEvaluation } from '../../lessons/checks';
import { REWARD_TEMPLATES } from '../../reward/examples';
import type { PpoConfig } from '../../rl/config';
import { decodeClassLink, isClassLink, type ClassLink } from '../../share/class-link';
import { defaultPlace, emptyProgress, LessonProgressStore, restorePlace, type LessonPlace, type LessonProgress } from '../../store/lesson-progress';
import { SHIPPED_TRACKS } from '../tracks';
import { scoreInSandbox } from '../reward-scoring';
import { centreLineStats, thinTrail } from '../../race/centre-offset';
import type { RewardSource } from '../../reward/compile';
import { loadLessons } from './lesson-files';
import { limitLapOf } from '../../workers/limit-lap-client';
import { DriveState } from './drive-state.svelte';

export class LessonState {
  lessons = $state.raw<Lesson[]>([]);
  /** Lesson files that did not parse, and storage problems. */
  errors = $state.raw<string[]>([]);
  progress = $state.raw<Map<string, LessonProgress>>(new Map());
  place = $state.raw<LessonPlace>(defaultPlace());
  loaded = $state(false);
  checking = $state(false);
  /** The last check's result, for the step on show. */
  result = $state.raw<CheckResult | null>(null);
  /** What applying a setup did, or why it did not. */
  setupNote = $state<string | null>(null);
  /** The keyboard drive of "You are the agent" (drive-state.svelte.ts); App.svelte draws it in the main track view. */
  readonly drive = new DriveState((best) => this.recordDrive(best));
  /** The lesson just finished (shown on the map with the next one), until another lesson opens. */
  finished = $state.raw<{ lesson: Lesson; next: Lesson | null } | null>(null);

  private store: LessonProgressStore | null = null;
  private readonly stopWatching: () => void;

  constructor(private readonly studio: Studio) {
    this.stopWatching = $effect.root(() => this.watchStudio());
  }

  /** The lessons on the map: the class's, in its order, or all. */
  get path(): Lesson[] {
    const c = this.place.classLink;
    if (!c) return this.lessons;
    return c.lessons.map((id) => this.lessons.find((l) => l.id === id)).filter((l): l is Lesson => !!l);
  }

  get lesson(): Lesson | null {
    return this.lessons.find((l) => l.id === this.place.lessonId) ?? null;
  }

  get step(): LessonStep | null {
    return this.lesson?.steps[this.place.step] ?? null;
  }

  progressOf(id: string): LessonProgress {
    return this.progress.get(id) ?? emptyProgress(id);
  }

  /** Reads the lessons, the progress and the place; joins a class from a class link in the address. */
  async open(): Promise<void> {
    const { lessons, errors } = await loadLessons();
    this.lessons = lessons;
    const problems = [...errors];
    try {
      this.store = new LessonProgressStore();
      this.progress = await this.store.all();
      this.place = await this.store.place();
    } catch (e) {
      this.store = null;
      problems.push(`Lesson progress cannot be kept in this browser: ${(e as Error).message}`);
    }
    // The mirror is written synchronously, so it holds a place chosen just before a reload that IndexedDB missed
    // (and the place when IndexedDB is unavailable).
    const mirrored = readPlaceMirror();
    if (mirrored) this.place = { ...this.place, ...mirrored };
    if (typeof location !== 'undefined' && isClassLink(location.hash)) {
      try {
        this.joinClass(decodeClassLink(location.hash));
        history.replaceState(null, '', location.pathname + location.search);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (this.place.lessonId && !this.lesson) this.place = { ...this.place, lessonId: null, step: 0 };
    this.errors = problems;
    this.loaded = true;
  }

  /** Joins a class: its lessons become the map, its track is selected, its name is shown. */
  joinClass(c: ClassLink): void {
    this.place = { ...this.place, classLink: c, lessonId: null, step: 0 };
    if (SHIPPED_TRACKS.some((t) => t.name === c.track) && !this.studio.training) this.studio.trackName = c.track;
    void this.savePlace();
  }

  leaveClass(): void {
    this.setPlace({ classLink: null });
  }

  openLesson(id: string): void {
    this.finished = null;
    const p = this.progressOf(id);
    const lesson = this.lessons.find((l) => l.id === id);
    const next = lesson ? lesson.steps.findIndex((_, i) => !p.stepsDone.includes(i)) : 0;
    this.setPlace({ lessonId: id, step: Math.max(0, next), collapsed: false });
  }

  showMap(): void {
    this.setPlace({ lessonId: null, step: 0 });
  }

  goTo(step: number): void {
    const n = this.lesson?.steps.length ?? 0;
    if (step >= 0 && step < n) this.setPlace({ step });
  }

  toggleCollapsed(): void {
    if (!this.place.collapsed) this.drive.stop();
    this.setPlace({ collapsed: !this.place.collapsed });
  }

  /** Titles of the prerequisites of a lesson that are not done yet. */
  missingPrerequisites(lesson: Lesson): string[] {
    return lesson.prerequisites
      .map((id) => this.lessons.find((l) => l.id === id))
      .filter((l): l is Lesson => !!l && this.progressOf(l.id).stepsDone.length < l.steps.length)
      .map((l) => l.title);
  }

  /** Marks the step done and moves on (to the map after the last step). */
  async next(): Promise<void> {
    const lesson = this.lesson;
    if (!lesson) return;
    const at = this.place.step;
    const saved = this.updateProgress(lesson.id, (p) => ({ ...p, stepsDone: [...new Set([...p.stepsDone, at])] }));
    if (at + 1 < lesson.steps.length) this.goTo(at + 1);
    else {
      const path = this.path;
      const k = path.findIndex((l) => l.id === lesson.id);
      const next = path.slice(k + 1).find((l) => this.progressOf(l.id).stepsDone.length < l.steps.length) ?? null;
      this.showMap();
      this.finished = { lesson, next };
    }
    await saved;
  }

  /**
   * Applies the step's setup to the studio: track, reward (asking before replacing edited code), action space,
   * hyperparameters, sensors (where the studio has them) and maximum time.
   */
  applySetup(): void {
    const s = this.step?.setup;
    const studio = this.studio;
    if (!s) return;
    if (studio.training) {
      this.setupNote = 'Training is running: stop it first, then apply the setup.';
      return;
    }
    const done: string[] = [];
    const template = REWARD_TEMPLATES.find((t) => t.id === s.rewardTemplate);
    const reward = s.reward ?? (template ? { code: template.code, language: template.language } : null);
    if (reward && reward.code !== studio.rewardCode) {
      const edited = !REWARD_TEMPLATES.some((t) => t.code.trim() === studio.rewardCode.trim()) && studio.rewardCode.trim() !== '';
      if (edited && !confirm('Replace your reward function with the one of this step? Your changes will be lost.')) {
        this.setupNote = 'Your reward function was kept; nothing was changed.';
        return;
      }
    }
    if (s.track) {
      if (SHIPPED_TRACKS.some((t) => t.name === s.track) || studio.customTracks.some((t) => t.name === s.track)) {
        studio.trackName = s.track;
        done.push('track');
      }
    }
    if (reward) {
      studio.rewardLanguage = reward.language;
      studio.rewardCode = reward.code;
      done.push('reward function');
    }
    if (s.actionSpace) {
      if (studio.clone) studio.cancelClone();
      studio.actionSpace = structuredClone(s.actionSpace);
      done.push('action space');
    }
    if (s.hyperparameters) {
      studio.hyperparameters = { ...($state.snapshot(studio.hyperparameters) as Partial<PpoConfig>), ...s.hyperparameters };
      done.push('hyperparameters');
    }
    // A clone keeps its parent's sensors (DeepRacer).
    if (s.sensors && !studio.clone) {
      studio.sensing.set(s.sensors);
      done.push('sensors');
    }
    if (s.maxMinutes) {
      studio.maxMinutes = s.maxMinutes;
      done.push('maximum time');
    }
    if (s.maxIterations) {
      studio.maxIterations = s.maxIterations;
      done.push(`stop after ${s.maxIterations} iterations`);
    }
    if (s.stopOnLap !== undefined) {
      studio.stopOnLap = s.stopOnLap;
      done.push(s.stopOnLap ? 'stop when the car laps' : 'keep training after the car laps');
    }
    this.setupNote = done.length > 0 ? `Set: ${done.join(', ')}.` : 'Nothing to set in this studio.';
  }

  /** Runs the step's check and records a pass. */
  async check(): Promise<void> {
    const lesson = this.lesson;
    const step = this.step;
    if (!lesson || !step?.check || this.checking) return;
    this.checking = true;
    this.result = null;
    const at = this.place.step;
    try {
      const result = await runCheck(step.check, this.context(lesson.id));
      this.result = result;
      if (result.passed) await this.updateProgress(lesson.id, (p) => ({ ...p, checksPassed: [...new Set([...p.checksPassed, at])], stepsDone: [...new Set([...p.stepsDone, at])] }));
    } finally {
      this.checking = false;
    }
  }

  /** Keeps the best keyboard drive (percent of a lap). */
  recordDrive(progress: number): void {
    if (progress > this.place.driveBestProgress + 0.5) this.setPlace({ driveBestProgress: progress });
  }

  /** The keyboard drive is on. */
  get driving(): boolean {
    return this.drive.active;
  }

  /** Starts the keyboard drive on the studio's track; refused (false) while the studio trains. */
  startDriving(): boolean {
    if (this.studio.training) return false;
    this.drive.start(this.studio.track);
    return true;
  }

  destroy(): void {
    this.drive.stop();
    this.stopWatching();
    this.store?.close();
  }

  /** The facts a check reads. */
  private context(lessonId: string): CheckContext {
    const studio = this.studio;
    const p = this.progressOf(lessonId);
    const objects = studio.trainingObjects;
    const source: RewardSource = { code: studio.rewardCode, language: studio.rewardLanguage };
    const trainedRewards = p.modelsMade
      .map((id) => studio.garage.entries.find((e) => e.model.id === id)?.model)
      .filter((m) => !!m)
      .reverse()
      .map((m): RewardSource => ({ code: m.rewardCode, language: m.rewardLanguage }));
    return {
      driveBestProgress: this.place.driveBestProgress,
      entropies: studio.points.map((q) => q.entropy),
      evaluations: p.evaluations,
      modelsMade: p.modelsMade.length,
      trainedRewards,
      modelsSaved: studio.garage.entries.length,
      actionSpace: $state.snapshot(studio.actionSpace),
      hyperparameters: $state.snapshot(studio.hyperparameters) as Partial<PpoConfig>,
      trackName: studio.trackName,
      sensors: studio.sensing.sensors,
      trainingFormat: objects?.obstacles ? 'object_avoidance' : objects?.bots ? 'head_to_bot' : 'time_trial',
      track: studio.geometry(),
      score: (params, other) => scoreInSandbox(other ?? source, params),
      limitLap: async (modelId) => {
        const entry = studio.garage.entries.find((e) => e.model.id === modelId);
        const data = entry ? studio.garage.trackOf(entry) : null;
        if (!data) return null;
        const r = await limitLapOf(data).catch(() => null);
        return r ? { lapTimeS: r.lap.lapTimeS, trackName: data.displayName } : null;
      },
    };
  }

  /** Records trained models and evaluations in the open lesson's progress; a failed check's result goes once the studio changes. */
  private watchStudio(): void {
    // Training and driving never run together: Train stops the drive; a new track restarts it there.
    $effect(() => {
      if (this.studio.training) untrack(() => this.drive.stop());
    });
    $effect(() => {
      const track = this.studio.track;
      untrack(() => {
        if (this.drive.active && this.drive.trackName !== track.name) this.drive.start(track);
      });
    });
    $effect(() => {
      const studio = this.studio;
      void [studio.rewardCode, studio.rewardLanguage, studio.trackName, studio.maxIterations, studio.stopOnLap, JSON.stringify($state.snapshot(studio.hyperparameters)), JSON.stringify($state.snapshot(studio.actionSpace))];
      untrack(() => {
        if (this.result && !this.result.passed) this.result = null;
      });
    });
    let before = new Set<string>();
    let wasTraining = false;
    $effect(() => {
      const training = this.studio.training;
      const ids = this.studio.garage.entries.map((e) => e.model.id);
      if (training && !wasTraining) before = new Set(ids);
      if (!training && wasTraining) {
        const made = ids.filter((id) => !before.has(id));
        untrack(() => {
          const lessonId = this.place.lessonId;
          if (made.length > 0 && lessonId) void this.updateProgress(lessonId, (p) => ({ ...p, modelsMade: [...new Set([...p.modelsMade, ...made])] }));
        });
      }
      wasTraining = training;
    });
    $effect(() => {
      const e = this.studio.evaluation;
      if (!e) return;
      const track = untrack(() => this.studio.geometry());
      const trials = e.trials.map((t) => {
        const sides = t.path ? centreLineStats(track, t.path) : null;
        return { lapTimeS: t.lapTimeS, progress: t.progress, centreOffset: sides?.centreOffset ?? null, leftShare: sides?.leftShare ?? null };
      });
      const first = e.trials[0]?.path;
      untrack(() => {
        const lessonId = this.place.lessonId;
        const modelName = this.studio.garage.entries.find((g) => g.model.id === e.modelId)?.model.name;
        const seen: SeenEvaluation = { modelId: e.modelId, ...(modelName ? { modelName } : {}), trials, ...(first ? { trail: thinTrail(first) } : {}) };
        if (lessonId) void this.updateProgress(lessonId, (p) => ({ ...p, evaluations: [...p.evaluations, seen].slice(-20) }));
      });
    });
  }

  private setPlace(change: Partial<LessonPlace>): void {
    const stepChanged = (change.step !== undefined && change.step !== this.place.step) || (change.lessonId !== undefined && change.lessonId !== this.place.lessonId);
    this.place = { ...this.place, ...change };
    if (stepChanged) {
      this.result = null;
      this.setupNote = null;
    }
    void this.savePlace();
  }

  private async savePlace(): Promise<void> {
    writePlaceMirror(this.place);
    await this.store?.putPlace(this.place).catch((e: Error) => (this.errors = [...this.errors, e.message]));
  }

  private async updateProgress(lessonId: string, change: (p: LessonProgress) => LessonProgress): Promise<void> {
    const next = change(this.progressOf(lessonId));
    this.progress = new Map(this.progress).set(lessonId, next);
    await this.store?.put(next).catch((e: Error) => (this.errors = [...this.errors, e.message]));
  }
}

/** localStorage key of the synchronous copy of the place (IndexedDB keeps the record; this survives an instant reload). */
const PLACE_MIRROR_KEY = 'raceline:lesson-place';

function readPlaceMirror(): Pick<LessonPlace, 'lessonId' | 'step' | 'collapsed'> | null {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(PLACE_MIRROR_KEY);
    if (!raw) return null;
    const { lessonId, step, collapsed } = restorePlace(JSON.parse(raw));
    return { lessonId, step, collapsed };
  } catch {
    return null;
  }
}

function writePlaceMirror(place: LessonPlace): void {
  try {
    if (typeof localStorage !== 'undefined') localStorage.setItem(PLACE_MIRROR_KEY, JSON.stringify({ lessonId: place.lessonId, step: place.step, collapsed: place.collapsed }));
  } catch {
    // Storage full or disabled: IndexedDB still keeps the place.
  }
}
