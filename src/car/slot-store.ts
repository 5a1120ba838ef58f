/**
 * Where a car keeps its two model slots. The active slot is never written; uploads go to the other
 * slot, and only `setActive` (one atomic step on a real car: a file rename, a journal record) makes
 * a verified upload drive the car. `MemorySlotStore` is the virtual car's.
 */
import type { SlotInfo } from './protocol';
import { HASH_SIZE } from './sha256';

export interface SlotStore {
  /** Bytes one slot can hold. */
  readonly capacity: number;
  info(slot: number): SlotInfo;
  activeSlot(): number | null;
  /** Empties `slot` and marks it partial for a pack of `size` bytes with `hash`. */
  begin(slot: number, size: number, hash: Uint8Array): void;
  /** Appends to a partial slot at its `written` offset. */
  append(slot: number, bytes: Uint8Array): void;
  /** The bytes written to `slot` so far. */
  read(slot: number): Uint8Array;
  /** Marks a fully written slot as verified. */
  markValid(slot: number): void;
  /** Empties a slot (never the active one). */
  discard(slot: number): void;
  /** Makes a valid slot the active one, atomically. */
  setActive(slot: number): void;
}

interface MemorySlot {
  info: SlotInfo;
  bytes: Uint8Array;
}

const emptyInfo = (): SlotInfo => ({ state: 'empty', size: 0, written: 0, hash: new Uint8Array(HASH_SIZE) });

/** Two slots in memory. Survives reconnections (it belongs to the car, not to a connection). */
export class MemorySlotStore implements SlotStore {
  private slots: MemorySlot[] = [0, 1].map(() => ({ info: emptyInfo(), bytes: new Uint8Array(0) }));
  private active: number | null = null;

  constructor(readonly capacity = 256 * 1024) {}

  info(slot: number): SlotInfo {
    const i = this.slots[slot].info;
    return { ...i, hash: i.hash.slice() };
  }

  activeSlot(): number | null {
    return this.active;
  }

  begin(slot: number, size: number, hash: Uint8Array): void {
    this.assertNotActive(slot, 'begin');
    this.slots[slot] = { info: { state: 'partial', size, written: 0, hash: hash.slice() }, bytes: new Uint8Array(size) };
  }

  append(slot: number, bytes: Uint8Array): void {
    this.assertNotActive(slot, 'append');
    const s = this.slots[slot];
    if (s.info.state !== 'partial' || s.info.written + bytes.length > s.info.size) throw new Error(`slot ${slot}: append of ${bytes.length} bytes does not fit`);
    s.bytes.set(bytes, s.info.written);
    s.info.written += bytes.length;
  }

  read(slot: number): Uint8Array {
    const s = this.slots[slot];
    return s.bytes.slice(0, s.info.written);
  }

  markValid(slot: number): void {
    const s = this.slots[slot];
    if (s.info.written !== s.info.size) throw new Error(`slot ${slot}: only ${s.info.written} of ${s.info.size} bytes written`);
    s.info.state = 'valid';
  }

  discard(slot: number): void {
    this.assertNotActive(slot, 'discard');
    this.slots[slot] = { info: emptyInfo(), bytes: new Uint8Array(0) };
  }

  setActive(slot: number): void {
    if (this.slots[slot].info.state !== 'valid') throw new Error(`slot ${slot} is not valid; only a verified slot can become active`);
    this.active = slot;
  }

  private assertNotActive(slot: number, what: string): void {
    if (slot === this.active) throw new Error(`slot ${slot} is active: ${what} would touch the model that drives the car`);
  }
}
