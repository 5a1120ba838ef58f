/**
 * Race worker: runs race entries (src/race/race.ts) off the page's thread. Each entry's network is rebuilt from its
 * spec and flat weights (tfjs-wasm) and drives greedily; no reward code runs (races do not need rewards). One call
 * runs several entries one after another (each alone on the track), or all of them together (head to head between
 * models). A failing entry comes back with its reason; the others still run.
 */
import * as Comlink from 'comlink';
import { selectBackend } from '../rl/backend';
import { ActorCritic } from '../rl/policy';
import { ActorCriticNetwork } from '../rl/networks';
import { Track } from '../track/track';
import { runEntry, runTogether, type EntryRun, type RaceEntrant } from '../race/race';
import type { RaceEventConfig } from '../race/rules';
import { traceBuffers } from '../race/trace-columns';
import type { TrackData } from '../track/track-data';
import type { ActionSpace } from '../sim/action-space';
import type { SensorName } from '../sim/observation';
import type { NetworkBlob } from './protocol';

/** An entry as it crosses to the worker: plain data and the weights. */
export interface RaceEntryBlob {
  name: string;
  actionSpace: ActionSpace;
  sensors: SensorName[];
  network: NetworkBlob;
}

export interface RaceRequest {
  event: RaceEventConfig;
  track: TrackData;
  entries: RaceEntryBlob[];
  /** `each`: one after another, alone on the track; `together`: all at once (head to head between models). */
  mode: 'each' | 'together';
  wasmPaths: Record<string, string>;
}

/** Per entry, in request order: its run, or why it could not race. */
export type RaceReply = ({ ok: true; run: EntryRun } | { ok: false; reason: string })[];

function buffersOf(run: EntryRun): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of [...run.replay.paths, ...run.replay.boxes, ...run.replay.bots]) out.push(a.buffer as ArrayBuffer);
  if (run.trace) out.push(...traceBuffers(run.trace));
  return out;
}

export class RaceWorker {
  /**
   * Runs the entries. @param onProgress receives (entry index, fraction of its time limit used).
   * @returns one reply per entry; never rejects for an entry's failure.
   */
  async run(req: RaceRequest, onProgress?: (entry: number, fraction: number) => void): Promise<RaceReply> {
    await selectBackend({ preferred: ['wasm', 'cpu'], measure: false, wasmPaths: req.wasmPaths });
    const track = new Track(req.track);
    const built: (RaceEntrant | string)[] = req.entries.map((e) => {
      try {
        const network = ActorCriticNetwork.fromSerialized({ spec: e.network.spec as never, weightData: e.network.weights.slice().buffer });
        return { name: e.name, policy: new ActorCritic(network), actionSpace: e.actionSpace, sensors: e.sensors };
      } catch (err) {
        return `the model will not load: ${(err as Error).message}`;
      }
    });
    const reply: RaceReply = [];
    try {
      if (req.mode === 'together') {
        const racers = built.filter((b): b is RaceEntrant => typeof b !== 'string');
        const runs = await runTogether(req.event, track, racers, { onProgress: (f) => onProgress?.(0, f) });
        let k = 0;
        for (const b of built) reply.push(typeof b === 'string' ? { ok: false, reason: b } : { ok: true, run: runs[k++] });
      } else {
        for (let i = 0; i < built.length; i++) {
          const b = built[i];
          if (typeof b === 'string') {
            reply.push({ ok: false, reason: b });
            continue;
          }
          try {
            reply.push({ ok: true, run: await runEntry(req.event, track, b, { onProgress: (f) => onProgress?.(i, f) }) });
          } catch (err) {
            reply.push({ ok: false, reason: `the race could not run this model: ${(err as Error).message}` });
          }
        }
      }
    } finally {
      for (const b of built) if (typeof b !== 'string') (b.policy as ActorCritic).dispose();
    }
    return Comlink.transfer(reply, reply.flatMap((r) => (r.ok ? buffersOf(r.run) : [])));
  }
}

Comlink.expose(new RaceWorker());
