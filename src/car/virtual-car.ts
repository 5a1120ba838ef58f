/**
 * The virtual car: a `CarDevice` with in-memory slots, for users without hardware and for the tests.
 * It speaks the protocol over an in-memory link, keeps its slots across reconnections, and runs the
 * active pack on observations it is given (the studio feeds it the simulator's sensors and drives the
 * track view with its commands). No UI here.
 */
import type { Clock } from './clock';
import { CarDevice } from './device';
import { MemorySlotStore } from './slot-store';
import { createLinkPair, LINKS, type ByteStream, type FaultCounts, type LinkFaults, type LinkModel } from './stream';
import { SimulatedClock } from './clock';
import type { ConformanceTarget } from './conformance';
import type { SensorSpec, WeightType } from './pack';
import type { PackAction } from './pack-inference';
import type { Rng } from '../sim/rng';
import { CAMERA_SENSORS, LIDAR_SENSORS, sensorSize } from '../sim/observation';

/**
 * Every sensor the simulator can feed a virtual car, with its size in values (a camera image is
 * 120 × 160 luma values a channel): what the page's virtual car reports in HELLO, so any saved
 * model can be tried on it.
 */
export const SIMULATOR_SENSORS: readonly SensorSpec[] = (['TRACK_GEOMETRY', ...CAMERA_SENSORS, ...LIDAR_SENSORS] as const).map((name) => ({ name, size: sensorSize(name) }));

export interface VirtualCarOptions {
  clock: Clock;
  /** Default: TRACK_GEOMETRY (22 values), the simulator's sensor. */
  sensors?: SensorSpec[];
  formats?: WeightType[];
  /** Bytes per slot (default 256 KiB). */
  slotCapacity?: number;
  maxFrameSize?: number;
  maxWindow?: number;
}

export interface ConnectOptions {
  link?: LinkModel;
  faults?: Partial<LinkFaults>;
  rng?: Rng;
  counts?: FaultCounts;
}

export class VirtualCar {
  device: CarDevice;
  readonly store: MemorySlotStore;
  /** What telemetry reports; the studio sets it from the simulator. */
  measured = { speed: 0, batteryMv: 7400 };

  constructor(readonly options: VirtualCarOptions) {
    this.store = new MemorySlotStore(options.slotCapacity);
    this.device = this.boot();
  }

  /** A fresh device over the same slots: what a power cycle leaves. */
  private boot(): CarDevice {
    const options = this.options;
    return new CarDevice({
      clock: options.clock,
      store: this.store,
      sensors: options.sensors ?? [{ name: 'TRACK_GEOMETRY', size: 22 }],
      formats: options.formats,
      maxFrameSize: options.maxFrameSize,
      maxWindow: options.maxWindow,
      firmware: 'raceline-virtual 1',
      readState: () => this.measured,
    });
  }

  /** Power-cycles the car: connections drop, the slots and the active model stay. */
  reboot(): void {
    this.device.detach();
    this.device = this.boot();
  }

  /**
   * A new connection to this car (the previous one, if any, stops being answered).
   * @returns the host's end of the link.
   */
  connect(options: ConnectOptions = {}): ByteStream {
    const pair = createLinkPair({ clock: this.options.clock, ...options });
    this.device.attach(pair.car);
    return pair.host;
  }

  /**
   * One control step: the active model's command for an observation (sensors concatenated in the
   * pack's order), or null when the car has no model. Sends telemetry when it is switched on.
   */
  drive(observation: ArrayLike<number>): PackAction | null {
    return this.device.drive(observation);
  }

  /** The bytes of the model that drives the car, or null. */
  activeModelBytes(): Uint8Array | null {
    const slot = this.store.activeSlot();
    return slot === null ? null : this.store.read(slot);
  }
}

/**
 * A conformance target (conformance.ts) for a virtual car in simulated time over `link`
 * (default: serial at 115200 baud), so the suite's times are the link's, not the machine's.
 */
export function virtualCarTarget(link: LinkModel = LINKS.serial115200): ConformanceTarget & { car: VirtualCar } {
  const clock = new SimulatedClock();
  const car = new VirtualCar({ clock });
  let current: ByteStream | null = null;
  return {
    name: 'virtual',
    clock,
    car,
    connect: async () => (current = car.connect({ link })),
    cut: () => current?.close('cut by the conformance suite'),
    restart: async () => car.reboot(),
    close: async () => current?.close('suite finished'),
  };
}
