/**
 * Where the transport keys of open channels live: 32-byte slots packed into shared slabs.
 *
 *   slab (32 KiB, one ArrayBuffer):  | key 0 | key 1 | ... | key 1023 |
 *   slot number:                      slab index * 1024 + key index
 *
 * An idle encrypted connection holds two keys for its whole life. As Buffers of their own
 * they cost an ArrayBuffer, its backing store and two views: ~350 bytes of heap and malloc
 * per connection in heap snapshots of idle connections, for 64 bytes of key. In a slab they
 * cost their 64 bytes; a cipher call takes a short-lived view (one small object beside the
 * cipher object node:crypto builds for every call anyway).
 *
 * A released slot is zeroed at once, so a closed connection's keys do not linger in memory
 * until its slot is reused. Slabs are kept once made: a server that peaked at 100k
 * connections keeps 6.4 MB of key slabs.
 */
import { KEY_BYTES } from '../protocol/constants.js';

const SLOTS_PER_SLAB = 1024;
const SLOT_SHIFT = 10;
const SLOT_MASK = SLOTS_PER_SLAB - 1;

const slabs: Buffer[] = [];
/** Released slots, reused last-in first-out. */
const free: number[] = [];
/** Slots of the newest slab not handed out yet start here. */
let nextFresh = 0;

/** Copies a 32-byte key into a free slot and returns the slot's number. */
export function storeTransportKey(key: Buffer): number {
  if (key.length !== KEY_BYTES) throw new RangeError(`A transport key must be ${KEY_BYTES} bytes, got ${key.length}`);
  let slot = free.pop();
  if (slot === undefined) {
    if (nextFresh === slabs.length * SLOTS_PER_SLAB) slabs.push(Buffer.alloc(SLOTS_PER_SLAB * KEY_BYTES));
    slot = nextFresh++;
  }
  key.copy(slabs[slot >>> SLOT_SHIFT]!, (slot & SLOT_MASK) * KEY_BYTES);
  return slot;
}

/** A view of the key in `slot`, for one cipher call (not to be kept). */
export function transportKeyView(slot: number): Buffer {
  const start = (slot & SLOT_MASK) * KEY_BYTES;
  return slabs[slot >>> SLOT_SHIFT]!.subarray(start, start + KEY_BYTES);
}

/** Zeroes `slot` and hands it back for reuse; the caller must not use the number again. */
export function releaseTransportKey(slot: number): void {
  transportKeyView(slot).fill(0);
  free.push(slot);
}

/** Slots handed out and not released; for tests and leak checks. */
export function transportKeysInUse(): number {
  return nextFresh - free.length;
}
