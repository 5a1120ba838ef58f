/**
 * The fault-injection run behind `npm run car:faults`: many uploads to one virtual car over a link
 * that drops, duplicates, reorders, flips bits in, forges and cuts frames (seeded), each upload a
 * new pack (as when a user uploads a newly trained model), so every upload replaces the running model. After each upload the car's active slot must
 * hold, byte for byte, either the new pack (upload verified) or the previous model (upload failed):
 * anything else is a corrupt model, and the run reports it.
 */
import { SimulatedClock } from './clock';
import { VirtualCar } from './virtual-car';
import { uploadPack, type UploadResult } from './host';
import { emptyFaultCounts, LINKS, type FaultCounts, type LinkFaults, type LinkModel } from './stream';
import { bytesEqual } from './byte-io';
import { sha256 } from './sha256';
import { Rng } from '../sim/rng';

/** The default faults, per frame and direction. */
export const DEFAULT_FAULTS: Readonly<LinkFaults> = { drop: 0.02, duplicate: 0.02, reorder: 0.02, bitFlip: 0.02, forge: 0.002, cut: 0.004 };

export interface FaultRunOptions {
  uploads: number;
  seed: number;
  /** The pack of upload `index`; each must differ from the one before. */
  makePack: (index: number) => Promise<Uint8Array>;
  faults?: LinkFaults;
  link?: LinkModel;
  /** Called after each upload. */
  onUpload?: (index: number, verdict: Verdict, result: UploadResult) => void;
}

/** What the car runs after an upload. */
export type Verdict = 'verified' | 'kept-previous' | 'corrupt';

export interface FaultRunSummary {
  uploads: number;
  seed: number;
  /** The new model runs, byte for byte. */
  verified: number;
  /** The upload failed and the previous model runs, byte for byte. */
  keptPrevious: number;
  /** Anything else (must be 0). */
  corrupt: number;
  /** Uploads whose reported outcome disagrees with what the car runs. */
  misreported: number;
  /** Reconnections after cuts or silent links. */
  reconnects: number;
  resumes: number;
  /** Resumes whose first DATA frame started at the offset the car reported (HELLO and BEGIN). */
  resumesAtReportedOffset: number;
  hashMismatchRetries: number;
  retransmittedBytes: number;
  faults: FaultCounts;
  link: string;
  faultRates: LinkFaults;
  /** Simulated time of all uploads, s. */
  simulatedSeconds: number;
}

/**
 * @throws Error when a pack equals the running model (the verdict would be ambiguous).
 */
export async function runFaultInjection(o: FaultRunOptions): Promise<FaultRunSummary> {
  const faults = o.faults ?? DEFAULT_FAULTS;
  const link = o.link ?? LINKS.serial115200;
  const clock = new SimulatedClock();
  const car = new VirtualCar({ clock });
  const rng = new Rng(o.seed);
  const counts = emptyFaultCounts();
  const s: FaultRunSummary = {
    uploads: o.uploads, seed: o.seed, verified: 0, keptPrevious: 0, corrupt: 0, misreported: 0, reconnects: 0, resumes: 0,
    resumesAtReportedOffset: 0, hashMismatchRetries: 0, retransmittedBytes: 0, faults: counts, link: link.name, faultRates: { ...faults }, simulatedSeconds: 0,
  };
  for (let i = 0; i < o.uploads; i++) {
    await clock.idle(); // frames still in flight on closed links land before the next upload starts
    const pack = await clock.track(o.makePack(i));
    const before = car.activeModelBytes();
    if (before !== null && bytesEqual(before, pack)) throw new Error(`runFaultInjection: pack ${i} is the model the car already runs; each upload needs a new pack`);
    const result = await uploadPack({ clock, pack, connect: async () => car.connect({ link, faults, rng: rng.fork(), counts }) });
    const after = car.activeModelBytes();
    let verdict: Verdict;
    if (after !== null && bytesEqual(after, pack) && (await selfConsistent(after)) && bytesEqual(car.device.activePack!.hash, after.slice(-32))) verdict = 'verified';
    else if ((before === null && after === null) || (before !== null && after !== null && bytesEqual(after, before))) verdict = 'kept-previous';
    else verdict = 'corrupt';
    if (verdict === 'verified') s.verified++;
    else if (verdict === 'kept-previous') s.keptPrevious++;
    else s.corrupt++;
    if ((verdict === 'verified') !== result.ok) s.misreported++;
    s.reconnects += result.reconnects;
    s.hashMismatchRetries += result.hashRetries;
    s.retransmittedBytes += result.retransmittedBytes;
    for (const r of result.resumes) {
      if (r.helloOffset === 0 && r.beginOffset === 0) continue; // nothing to resume from
      s.resumes++;
      if (r.beginOffset === r.helloOffset && (r.firstDataOffset === null ? r.beginOffset === pack.length : r.firstDataOffset === r.beginOffset)) s.resumesAtReportedOffset++;
    }
    o.onUpload?.(i, verdict, result);
  }
  s.simulatedSeconds = Math.round(clock.now()) / 1000;
  return s;
}

/** True when a pack's body hashes to its trailer. */
async function selfConsistent(bytes: Uint8Array): Promise<boolean> {
  return bytesEqual(await sha256(bytes.subarray(0, bytes.length - 32)), bytes.subarray(bytes.length - 32));
}
