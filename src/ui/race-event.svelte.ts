/**
 * The race event page's state: the event (track, format, rules, seed), its entries (saved models, share links,
 * model zips — many at once), the run in race workers, the leaderboard, replays, and the event's CSV and link.
 * Entries that cannot race are kept with the reason and the event runs for the rest. No reward code runs anywhere
 * here: a race needs none (the entries' reward functions are carried as text only).
 */
import { decodeShareLink, encodeShareLink } from '../share/link-codec';
import { importModelZip } from '../share/model-zip';
import type { ModelPackage } from '../share/model-package';
import { sensorLayout, type SensorName } from '../sim/observation';
import { defaultEvent, leaderboardCsv, rankEntries, validateEvent, type RaceEventConfig, type Standing } from '../race/rules';
import { decodeEventLink, encodeEventLink, isEventLink } from '../share/event-link';
import type { EntryRun } from '../race/race';
import { runRaceInWorkers, type RaceEntryBlob } from '../workers/race-client';
import { RacelineStore } from '../store/repository';
import { RacelineDb } from '../store/db';
import { packageFromModel } from '../store/package-mapping';
import type { GarageEntry } from '../store/repository';
import { LogStore } from '../store/log-store';
import { DEFAULT_TRACK, shippedTrack } from './tracks';
import { BOT_CAR_FOOTPRINT, OBJECT_VIEW_KIND } from '../sim/objects';

/** One entry of the event. */
export interface RaceEntry {
  /** Unique within the page. */
  id: number;
  name: string;
  source: 'saved' | 'link' | 'zip';
  /** Why it cannot race (a link that will not decode, sensors the simulator lacks, ...), or null. */
  reason: string | null;
  /** What the race worker needs; null when it cannot race. */
  blob: RaceEntryBlob | null;
  /** The package (to make the event link); null when it could not be read. */
  pkg: ModelPackage | null;
  /** The track it was trained on ('custom' for one of its own). */
  trainedOn: string | null;
  /** The saved model's id (saved entries only). */
  modelId?: string;
}

/** Speed of replays relative to simulated time. */
const REPLAY_SPEED = 2;

/** A model package as a race entry, or the reason it cannot race in this simulator. */
function entryFrom(id: number, pkg: ModelPackage, source: RaceEntry['source']): RaceEntry {
  const base = { id, name: pkg.name, source, pkg, trainedOn: typeof pkg.track === 'string' ? pkg.track : 'custom' };
  try {
    sensorLayout(pkg.sensors as SensorName[]);
  } catch (e) {
    return { ...base, reason: `wrong sensors for this simulator: ${(e as Error).message}`, blob: null };
  }
  return {
    ...base,
    reason: null,
    blob: { name: pkg.name, actionSpace: pkg.actionSpace, sensors: pkg.sensors as SensorName[], network: { spec: pkg.network, weights: pkg.weights } },
  };
}

export class RaceEventState {
  event = $state<RaceEventConfig>(defaultEvent(DEFAULT_TRACK));
  entries = $state.raw<RaceEntry[]>([]);
  /** Saved models to choose from. */
  saved = $state.raw<GarageEntry[]>([]);
  running = $state(false);
  /** 0..1 while running. */
  progress = $state(0);
  /** The last run: leaderboard, runs by entry index (null for entries that did not race), failures. */
  results = $state.raw<{ event: RaceEventConfig; standings: Standing[]; runs: (EntryRun | null)[]; failed: { name: string; reason: string }[]; names: string[] } | null>(null);
  /** What the page says about the last action (errors included). */
  message = $state<{ kind: 'info' | 'error'; text: string } | null>(null);
  projector = $state(false);
  /** Replay on the track view. */
  replayPoses = $state.raw<Float32Array | null>(null);
  replayTrail = $state.raw<Float32Array | null>(null);
  replayObjects = $state.raw<Float32Array | null>(null);
  replaying = $state<string | null>(null);
  /** The event link after `makeLink`. */
  link = $state<string | null>(null);

  private nextId = 1;
  private store: RacelineStore | null = null;
  private frame = 0;

  /** Loads the saved models; opens an event link from the address if there is one. */
  async open(): Promise<void> {
    try {
      this.store = new RacelineStore(new RacelineDb());
      this.saved = (await this.store.readGarage()).records;
    } catch (e) {
      this.message = { kind: 'error', text: `Saved models cannot be listed: ${(e as Error).message}` };
    }
    if (typeof location !== 'undefined' && isEventLink(location.hash)) await this.openLink(location.hash);
  }

  /** The event's track (shipped tracks only). */
  get track() {
    return shippedTrack(this.event.track);
  }

  private add(list: RaceEntry[]): void {
    this.entries = [...this.entries, ...list];
    this.results = null;
  }

  /** Adds saved models by id; each gets its share link for the event link. */
  async addSaved(ids: string[]): Promise<void> {
    if (!this.store) return;
    const added: RaceEntry[] = [];
    for (const id of ids) {
      const g = this.saved.find((s) => s.model.id === id);
      if (!g) continue;
      try {
        const weights = new Float32Array(await this.store.getModelWeights(id));
        const extras = await this.store.getModelExtras(id);
        const pkg = packageFromModel({ model: g.model, name: g.name, notes: g.notes }, weights, g.best, extras);
        added.push({ ...entryFrom(this.nextId++, pkg, 'saved'), modelId: id });
      } catch (e) {
        added.push({ id: this.nextId++, name: g.name, source: 'saved', reason: `the model will not load: ${(e as Error).message}`, blob: null, pkg: null, trainedOn: g.model.track });
      }
    }
    this.add(added);
  }

  /** Adds every share link in `text` (one per line or separated by spaces); bad ones are listed with the reason. */
  async addLinks(text: string): Promise<void> {
    const links = text.split(/\s+/).filter((t) => /m\d+\./.test(t));
    if (links.length === 0) {
      this.message = { kind: 'error', text: 'No share link found: paste links that contain #m1.…' };
      return;
    }
    const added: RaceEntry[] = [];
    for (const [k, link] of links.entries()) {
      try {
        added.push(entryFrom(this.nextId++, await decodeShareLink(link), 'link'));
      } catch (e) {
        added.push({ id: this.nextId++, name: `Link ${k + 1}`, source: 'link', reason: (e as Error).message, blob: null, pkg: null, trainedOn: null });
      }
    }
    this.add(added);
    this.message = { kind: 'info', text: `${added.filter((a) => !a.reason).length} of ${added.length} link(s) added.` };
  }

  /** Adds model zips; bad ones are listed with the reason. */
  async addZips(files: readonly File[]): Promise<void> {
    const added: RaceEntry[] = [];
    for (const f of files) {
      try {
        added.push(entryFrom(this.nextId++, await importModelZip(new Uint8Array(await f.arrayBuffer()), { source: f.name }), 'zip'));
      } catch (e) {
        added.push({ id: this.nextId++, name: f.name, source: 'zip', reason: (e as Error).message, blob: null, pkg: null, trainedOn: null });
      }
    }
    this.add(added);
  }

  remove(id: number): void {
    this.entries = this.entries.filter((e) => e.id !== id);
    this.results = null;
  }

  /** Runs the event for every entry that can race; the rest are listed with their reasons. */
  async run(): Promise<void> {
    if (this.running) return;
    const event = $state.snapshot(this.event) as RaceEventConfig;
    try {
      validateEvent(event);
    } catch (e) {
      this.message = { kind: 'error', text: (e as Error).message };
      return;
    }
    this.stopReplay();
    const entries = this.entries;
    const failed = new Map<number, string>();
    for (const e of entries) if (e.reason) failed.set(e.id, e.reason);
    if (event.format === 'head_to_model') {
      // One simulator for all cars: they must share the sensors of the first that can race.
      const first = entries.find((e) => e.blob);
      for (const e of entries) {
        if (e.blob && first?.blob && e.blob.sensors.join(',') !== first.blob.sensors.join(',')) {
          failed.set(e.id, `wrong sensors for this race: head to head runs every car in one simulator, with ${first.blob.sensors.join(', ')} (from '${first.name}'); this model uses ${e.blob.sensors.join(', ')}`);
        }
      }
    }
    const racing = entries.filter((e) => !failed.has(e.id));
    if (racing.length === 0) {
      this.message = { kind: 'error', text: 'No entry can race: add saved models, share links or model zips.' };
      return;
    }
    this.running = true;
    this.progress = 0;
    this.message = null;
    try {
      const replies = await runRaceInWorkers(event, shippedTrack(event.track), racing.map((e) => e.blob!), (f) => (this.progress = f));
      const runs: (EntryRun | null)[] = [];
      const names: string[] = [];
      const raced: RaceEntry[] = [];
      replies.forEach((r, k) => {
        if (r.ok) {
          runs.push(r.run);
          names.push(racing[k].name);
          raced.push(racing[k]);
        } else failed.set(racing[k].id, r.reason);
      });
      const ranked = replies.map((r, k) => ({ r, e: racing[k] })).filter((x) => x.r.ok);
      const standings = rankEntries(
        ranked.map((x) => ({ name: x.e.name, outcome: (x.r as { ok: true; run: EntryRun }).run.outcome })),
        event.rules,
      );
      this.results = {
        event,
        standings,
        runs,
        names,
        failed: entries.filter((e) => failed.has(e.id)).map((e) => ({ name: e.name, reason: failed.get(e.id)! })),
      };
      void this.keepLogs(runs, raced);
      this.message = { kind: 'info', text: `Race finished: ${standings.filter((s) => s.rank !== null).length} ranked, ${failed.size} could not race.` };
    } catch (e) {
      this.message = { kind: 'error', text: `The race could not run: ${(e as Error).message}` };
    } finally {
      this.running = false;
      this.progress = 1;
    }
  }

  /** Keeps each saved entry's race log as an evaluation log of that model (for the analysis screen and its zip). */
  private async keepLogs(runs: (EntryRun | null)[], raced: RaceEntry[]): Promise<void> {
    try {
      const logs = new LogStore();
      for (let i = 0; i < runs.length; i++) {
        const id = raced[i].modelId;
        const trace = runs[i]?.trace;
        if (!id || !trace) continue;
        const n = (await logs.summary(id)).filter((l) => l.phase === 'evaluation').length;
        await logs.putTrace(id, 'evaluation', n, trace);
      }
      logs.close();
    } catch {
      // Logs are a convenience here; the leaderboard does not depend on them.
    }
  }

  /** The leaderboard as CSV (failed entries last). */
  csv(): string {
    return this.results ? leaderboardCsv(this.results.standings, this.results.failed) : '';
  }

  /** Makes the link that reproduces the event (entries as share links; entries too large for a link are left out). */
  async makeLink(): Promise<string> {
    const entries: { name: string; link: string }[] = [];
    const left: string[] = [];
    for (const e of this.entries) {
      if (!e.pkg) continue;
      try {
        entries.push({ name: e.name, link: await encodeShareLink(e.pkg) });
      } catch {
        left.push(e.name);
      }
    }
    const fragment = encodeEventLink({ event: $state.snapshot(this.event) as RaceEventConfig, entries });
    this.link = `${location.origin}${location.pathname}${fragment}`;
    if (left.length) this.message = { kind: 'info', text: `Too large for a link, left out: ${left.join(', ')} (share their zips).` };
    return this.link;
  }

  /** Opens an event link: its settings and entries replace the page's. */
  async openLink(text: string): Promise<void> {
    try {
      const link = decodeEventLink(text);
      this.event = link.event;
      this.entries = [];
      this.results = null;
      const added: RaceEntry[] = [];
      for (const e of link.entries) {
        try {
          added.push({ ...entryFrom(this.nextId++, await decodeShareLink(e.link), 'link'), name: e.name });
        } catch (err) {
          added.push({ id: this.nextId++, name: e.name, source: 'link', reason: (err as Error).message, blob: null, pkg: null, trainedOn: null });
        }
      }
      this.entries = added;
      this.message = { kind: 'info', text: `Race event "${link.event.name}" opened with ${added.length} entries: press Run race to reproduce it.` };
    } catch (e) {
      this.message = { kind: 'error', text: (e as Error).message };
    }
  }

  /**
   * Replays an entry's run on the track view at REPLAY_SPEED× simulated time (head to head: every car at once).
   * @param index the entry's index in `results.runs`; @param trial the trial (not continuous), default 0.
   */
  replay(index: number, trial = 0): void {
    const res = this.results;
    const run = res?.runs[index];
    if (!res || !run) return;
    this.stopReplay();
    const together = res.event.format === 'head_to_model';
    const cars = together ? res.runs.map((r) => r?.replay.paths[0] ?? new Float32Array(0)) : [run.replay.paths[trial]];
    const steps = Math.max(...cars.map((p) => p.length / 3));
    const own = run.replay.paths[trial] ?? cars[0];
    const boxes = run.replay.boxes[trial] ?? new Float32Array(0);
    const bots = run.replay.bots[trial] ?? new Float32Array(0);
    const nBots = run.replay.botCount;
    this.replaying = res.names[index];
    const start = performance.now();
    const frame = (): void => {
      const k = Math.min(steps - 1, Math.floor(((performance.now() - start) / 1000) * 15 * REPLAY_SPEED));
      const poses = new Float32Array(cars.length * 3);
      cars.forEach((p, c) => {
        const j = Math.min(k, p.length / 3 - 1);
        if (j >= 0) poses.set(p.subarray(3 * j, 3 * j + 3), 3 * c);
      });
      this.replayPoses = poses;
      const trail = new Float32Array(2 * Math.min(k + 1, own.length / 3));
      for (let j = 0; j < trail.length / 2; j++) {
        trail[2 * j] = own[3 * j];
        trail[2 * j + 1] = own[3 * j + 1];
      }
      this.replayTrail = trail;
      const objects: number[] = [];
      for (let b = 0; b < boxes.length; b += 5) objects.push(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3], boxes[b + 4], OBJECT_VIEW_KIND.object);
      const j = Math.min(k, bots.length / (3 * Math.max(1, nBots)) - 1);
      for (let b = 0; b < nBots && j >= 0; b++) objects.push(bots[(j * nBots + b) * 3], bots[(j * nBots + b) * 3 + 1], bots[(j * nBots + b) * 3 + 2], BOT_CAR_FOOTPRINT.length, BOT_CAR_FOOTPRINT.width, OBJECT_VIEW_KIND.bot);
      this.replayObjects = Float32Array.from(objects);
      if (k < steps - 1) this.frame = requestAnimationFrame(frame);
      else this.replaying = null;
    };
    this.frame = requestAnimationFrame(frame);
  }

  stopReplay(): void {
    cancelAnimationFrame(this.frame);
    this.replaying = null;
  }
}
