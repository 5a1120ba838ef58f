/**
 * State of one "Upload to car" dialog: which car (the virtual car, USB serial, Bluetooth), the pack's
 * weight type, the upload's progress and result, live telemetry, and the virtual car driving the
 * track. Components read these runes and call the methods; the link work is `car/` and `car-web/`.
 */
import { realClock } from '../../car/clock';
import { uploadPack, type UploadProgress, type UploadResult } from '../../car/host';
import type { WeightType } from '../../car/pack';
import type { Telemetry } from '../../car/protocol';
import { SIMULATOR_SENSORS, VirtualCar } from '../../car/virtual-car';
import { detectTransports, requestBluetoothLink, requestSerialLink, virtualCarLink, type CarLink, type TransportKind, type TransportSupport } from '../../car-web/transports';
import { openTelemetry, type TelemetryFeed } from '../../car-web/telemetry';
import { VirtualDrive, type EpisodeEnd } from '../../car-web/virtual-drive';
import type { NavigatorLike } from '../../car-web/web-apis';
import type { TrackData } from '../../track/track-data';
import { RacelineStore } from '../../store/repository';
import { RacelineDb } from '../../store/db';
import type { ModelRecord } from '../../store/records';
import { shippedTrack } from '../tracks';
import { fileStem, loadModelPacks, onnxOfPack } from './model-pack';
import { LINKS } from '../../car/stream';

export type CarUploadStatus = 'loading' | 'ready' | 'choosing' | 'uploading' | 'done' | 'failed';

/** Least time between TELEMETRY frames asked of the car, ms. */
const TELEMETRY_PERIOD_MS = 100;
/** The telemetry summary read out to screen readers changes at most this often, ms. */
const TELEMETRY_ANNOUNCE_MS = 3000;

let store: RacelineStore | null = null;
let virtualCar: VirtualCar | null = null;

/** Packs larger than this (camera models) default to the virtual car's USB link and int8 weights. */
const LARGE_PACK_BYTES = 1_000_000;
/** Bytes per slot of the page's virtual car: room for a float32 camera pack (DeepRacer's shallow CNN, about 23 MB). */
const VIRTUAL_SLOT_BYTES = 32 * 1024 * 1024;

/** The page's one virtual car (every simulator sensor, room for camera packs): its slots outlive the dialog, as a real car's do. */
export function sharedVirtualCar(): VirtualCar {
  virtualCar ??= new VirtualCar({ clock: realClock, sensors: [...SIMULATOR_SENSORS], slotCapacity: VIRTUAL_SLOT_BYTES });
  return virtualCar;
}

export class CarUploadSession {
  readonly support: TransportSupport;
  status = $state<CarUploadStatus>('loading');
  target = $state<TransportKind>('virtual');
  /** The link the virtual car simulates: a 115200-baud serial car, or a Pi-class car on USB (camera packs take seconds, not minutes). */
  virtualLink = $state<'serial115200' | 'usbFullSpeed'>('serial115200');
  weightType = $state<WeightType>('float32');
  /** Pack sizes in bytes, once loaded. */
  sizes = $state.raw<Record<WeightType, number> | null>(null);
  model = $state.raw<ModelRecord | null>(null);
  /** A sentence for the page when something went wrong before or around the upload. */
  error = $state<string | null>(null);
  linkLabel = $state<string | null>(null);
  progress = $state.raw<UploadProgress | null>(null);
  result = $state.raw<UploadResult | null>(null);
  // Telemetry.
  telemetry = $state.raw<Telemetry | null>(null);
  telemetryFrames = $state(0);
  telemetrySummary = $state('');
  telemetryLost = $state<string | null>(null);
  // The virtual car on the track.
  track = $state.raw<TrackData | null>(null);
  driving = $state(false);
  poses = $state.raw<Float32Array | null>(null);
  trail = $state.raw<Float32Array | null>(null);
  laps = $state(0);
  lapProgress = $state(0);
  lastEnd = $state.raw<EpisodeEnd | null>(null);

  private packs: Record<WeightType, Uint8Array> | null = null;
  private link: CarLink | null = null;
  private feed: TelemetryFeed | null = null;
  private drive: VirtualDrive | null = null;
  private frame = 0;
  private lastAnnounce = -Infinity;
  private disposed = false;

  /** @param nav `navigator` (a stand-in in tests). */
  constructor(
    readonly modelId: string,
    private readonly nav: NavigatorLike | undefined = globalThis.navigator as NavigatorLike | undefined,
  ) {
    this.support = detectTransports(nav);
  }

  get busy(): boolean {
    return this.status === 'loading' || this.status === 'choosing' || this.status === 'uploading';
  }

  /** Loads the model and builds its packs. Errors become `error`. */
  async load(): Promise<void> {
    try {
      store ??= new RacelineStore(new RacelineDb());
      const { model, packs } = await loadModelPacks(store, this.modelId);
      this.model = model;
      this.packs = packs;
      this.sizes = { float32: packs.float32.length, int8: packs.int8.length };
      // A camera pack would take minutes over the simulated serial link: simulate a Pi-class car on USB instead.
      if (packs.int8.length > LARGE_PACK_BYTES) {
        this.virtualLink = 'usbFullSpeed';
        this.weightType = 'int8';
      }
      this.track = model.trackData ?? shippedTrack(model.track);
      this.status = 'ready';
    } catch (e) {
      this.error = (e as Error).message;
      this.status = 'failed';
    }
  }

  /**
   * Connects to the chosen car (asking the user to pick a port or device for serial and Bluetooth: call
   * it from a click), uploads the pack, and on success starts telemetry and, for the virtual car, the drive.
   */
  async upload(): Promise<void> {
    if (this.busy || !this.packs) return;
    this.error = null;
    this.result = null;
    this.progress = null;
    this.status = 'choosing';
    let link: CarLink;
    try {
      // The chooser first: it needs the click's user activation.
      link = await this.chooseLink();
    } catch (e) {
      this.error = (e as Error).message;
      this.status = 'ready';
      return;
    }
    this.stopTelemetry();
    this.link?.close();
    this.link = link;
    this.linkLabel = link.label;
    this.status = 'uploading';
    const pack = this.packs[this.weightType];
    // Closing the dialog stops the upload: no new connection is opened after that (the uploader then throws).
    const connect = () => (this.disposed ? Promise.reject(new Error('the dialog was closed')) : link.connect());
    let result: UploadResult;
    try {
      result = await uploadPack({ connect, clock: realClock, pack, onProgress: (p) => (this.progress = p) });
    } catch (e) {
      // Not a link failure (those are in the result): the port or device could not be opened.
      this.error = `${(e as Error).message} The car keeps its previous model.`;
      this.status = 'failed';
      return;
    }
    if (this.disposed) return;
    this.result = result;
    this.status = result.ok ? 'done' : 'failed';
    if (!result.ok) return;
    if (link.kind === 'virtual') this.startDriving();
    await this.startTelemetry();
  }

  private async chooseLink(): Promise<CarLink> {
    if (this.target === 'virtual') return virtualCarLink(sharedVirtualCar(), LINKS[this.virtualLink]);
    if (this.target === 'serial') {
      if (!this.nav?.serial) throw new Error('This browser has no Web Serial.');
      return requestSerialLink(this.nav.serial);
    }
    if (!this.nav?.bluetooth) throw new Error('This browser has no Web Bluetooth.');
    return requestBluetoothLink(this.nav.bluetooth);
  }

  private async startTelemetry(): Promise<void> {
    const link = this.link;
    if (!link) return;
    this.telemetryLost = null;
    try {
      const feed = await openTelemetry(link, realClock, {
        periodMs: TELEMETRY_PERIOD_MS,
        onTelemetry: (t) => {
          this.telemetry = t;
          this.telemetryFrames++;
          const now = performance.now();
          if (now - this.lastAnnounce >= TELEMETRY_ANNOUNCE_MS) {
            this.lastAnnounce = now;
            this.telemetrySummary = `Car telemetry: ${t.speed.toFixed(1)} metres per second, steering ${t.steering.toFixed(0)} degrees, action ${t.action}.`;
          }
        },
        onLost: (reason) => {
          this.telemetryLost = `Telemetry stopped: ${reason}.`;
          this.feed = null;
        },
      });
      if (this.disposed) return feed.close();
      this.feed = feed;
    } catch (e) {
      this.telemetryLost = `No telemetry: ${(e as Error).message}.`;
    }
  }

  private stopTelemetry(): void {
    this.feed?.close();
    this.feed = null;
  }

  /** Drives the virtual car on the model's track with its active model, in real time (animation frames). */
  startDriving(): void {
    if (this.driving || !this.track) return;
    this.drive ??= new VirtualDrive(sharedVirtualCar(), this.track);
    this.driving = true;
    let last = performance.now();
    const tick = (now: number) => {
      const drive = this.drive!;
      if (drive.advance(now - last) > 0) {
        this.poses = drive.poses();
        this.trail = drive.trail();
        this.laps = drive.laps;
        this.lapProgress = drive.progress;
        this.lastEnd = drive.lastEnd;
      }
      last = now;
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  stopDriving(): void {
    cancelAnimationFrame(this.frame);
    this.driving = false;
  }

  /** Saves the pack of the chosen weight type as `<model>.<float32|int8>.rlpk`. */
  downloadPack(): void {
    if (!this.packs || !this.model) return;
    saveFile(this.packs[this.weightType], `${fileStem(this.model.name)}.${this.weightType}.rlpk`, 'application/octet-stream');
  }

  /** Saves the ONNX model of the chosen weight type's pack as `<model>.<float32|int8>.onnx`. */
  downloadOnnx(): void {
    if (!this.packs || !this.model) return;
    try {
      saveFile(onnxOfPack(this.packs[this.weightType]), `${fileStem(this.model.name)}.${this.weightType}.onnx`, 'application/octet-stream');
    } catch (e) {
      this.error = `ONNX export failed: ${(e as Error).message}`;
    }
  }

  /** Stops the drive and telemetry and closes the link (the dialog closed). The virtual car keeps its model. */
  dispose(): void {
    this.disposed = true;
    this.stopDriving();
    this.stopTelemetry();
    this.link?.close();
    this.link = null;
  }
}

/** Offers bytes as a file download. */
function saveFile(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
