/**
 * What the garage (`garage.svelte.ts`) and an opened share link (`shared-link.svelte.ts`) use of the studio they
 * belong to. `Studio` (`studio.svelte.ts`) creates both and passes itself; it matches these interfaces by shape, so
 * the two files import this one instead of `studio.svelte.ts`, with no file circle (.dependency-cruiser.cjs), and
 * each sees only the part of the studio it uses.
 */
import type { PpoConfig } from '../rl/config';
import type { RewardLanguage } from '../reward/compile';
import type { TrialResult } from '../race/evaluate';
import type { TrackData } from '../track/track-data';
import type { LogStore } from '../store/log-store';
import type { RacelineStore } from '../store/repository';
import type { Notice } from './notice';
import type { CloneSource } from './run-setup';
import type { StorageStatus } from './storage-status.svelte';

/** A message on show in the studio (`notice.ts`). */
export type HostNotice = Notice;

/** The studio as the garage sees it. */
export interface GarageHost {
  /** Browser storage; null while it is not open or unavailable. */
  readonly store: RacelineStore | null;
  /** Sim-trace logs; null while storage is not open or unavailable. */
  readonly logs: LogStore | null;
  readonly storage: Pick<StorageStatus, 'refresh'>;
  /** Tracks the user imported (the shipped ones are in `tracks.ts`). */
  readonly customTracks: readonly TrackData[];
  notice: HostNotice | null;
  selectedModelId: string | null;
  /** The evaluation on show, by the model it is of. */
  evaluation: { readonly modelId: string } | null;
  /** Why the last `importTrack` failed; null when it did not. */
  readonly trackImportError: string | null;
  /** Loads a saved model's reward, settings and track for a clone (`Studio.startClone`). */
  startClone(source: CloneSource, setup: { trackName: string; trackData: TrackData | null; rewardCode: string; rewardLanguage: RewardLanguage; hyperparameters: PpoConfig }): void;
  importTrack(file: File): Promise<void>;
}

/** The studio as an opened share link sees it. */
export interface SharedLinkHost {
  readonly store: RacelineStore | null;
  readonly storage: Pick<StorageStatus, 'refresh'>;
  readonly garage: { refresh(): Promise<void> };
  /** Evaluates a saved model and shows the result (`Studio.evaluateModel`). */
  evaluateModel(id: string): Promise<TrialResult[] | null>;
}
